"""Campaigns (issue: campaigns): campaigns and their phases, cross-organization work teams and
the areas they cover, households and their visits, citizens' cases at the single point of contact.

The same rules as the UI (campaigns/views.py, campaigns/cases.py): lists from
campaigns/selectors.py, one object through ``access.get_for_user_or_404``, every write through
campaigns/services.py. Households carry personal data (names, phones): only the body's head, the
subcommittee running the campaign and the members of the team covering a household read them.
Whoever sees a campaign (the provincial board included) reads its numbers
(``GET /campaigns/{id}/progress``: aggregates only) but not its households (403 on the list,
404 on one household). A second team for an area already covered answers 409
``"code": "area_taken"`` naming the team that has it; a second case about the same household and
topic answers 409 ``"code": "case_exists"``.
"""

import datetime as dt
from contextlib import contextmanager
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, PatchDict, Query, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from campaigns import selectors, services
from campaigns.models import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    Case,
    CaseStatus,
    Household,
    HouseholdStatus,
    Phase,
    TeamArea,
    TeamMember,
    Visit,
    VisitOutcome,
    WorkTeam,
)
from khoi import access, text
from khoi.api.base import DETAIL_QUERYSETS, Page, _get, _reference, answers, api
from khoi.forms import UnitCodeField
from khoi.models import (
    AdministrativeUnit,
    CoordinationRule,
    JointBody,
    Organization,
    Person,
    Position,
    PositionRole,
    Subcommittee,
    current_positions,
)
from khoi.selectors import rule_catalog_for_unit
from subcommittees.services import assignable_people

TAGS_CAMPAIGNS, TAGS_HOUSEHOLDS, TAGS_CASES = ["campaigns"], ["households"], ["cases"]
PROPAGANDA_RULE = "C5"  # "Tuyên truyền, vận động; chiến dịch chung": a campaign's default rule
DEFAULT_ANSWER_DAYS = 15  # a case's default deadline, as on the case form


# ---------------------------------------------------------------- querysets read by the schemas

def _campaigns(qs: QuerySet) -> QuerySet:
    return qs.select_related("joint_body__unit", "subcommittee", "rule", "director").prefetch_related(
        Prefetch("areas", queryset=AdministrativeUnit.objects.only("pk", "code").order_by("code")),
        Prefetch("phases", queryset=Phase.objects.order_by("sort_order", "start_date", "pk")),
    )


def _teams(qs: QuerySet) -> QuerySet:
    return qs.select_related("leader").prefetch_related(
        Prefetch("memberships", queryset=TeamMember.objects.select_related("person", "organization").order_by("pk")),
        Prefetch("areas", queryset=TeamArea.objects.select_related("unit").order_by("unit__path")),
    ).order_by("name", "pk")


def _households(qs: QuerySet) -> QuerySet:
    """What HouseholdOut reads; the annotation also folds the rows a team's join may repeat."""
    return qs.select_related("area", "team").annotate(last_visit=Max("visits__date")).order_by(
        "area__path", "search_name", "pk")


def _household_detail(user) -> QuerySet:
    visits = Visit.objects.select_related("recorded_by__person").prefetch_related(
        Prefetch("organizations", queryset=Organization.objects.only("pk").order_by("pk")))
    return _households(selectors.household_list_for_user(user)).prefetch_related(Prefetch("visits", queryset=visits))


def _cases(qs: QuerySet) -> QuerySet:
    return qs.select_related("responsible").prefetch_related(
        Prefetch("organizations", queryset=Organization.objects.only("pk").order_by("pk")))


DETAIL_QUERYSETS.update({
    Campaign: lambda user: _campaigns(selectors.campaign_list_for_user(user)),
    WorkTeam: lambda user: _teams(access.restrict(WorkTeam, user)),
    Household: _household_detail,
})


# ---------------------------------------------------------------- helpers

# The model fields a service names in its errors → the payload's keys.
PAYLOAD_NAMES = {
    "joint_body": "joint_body_id", "subcommittee": "subcommittee_id", "rule": "rule_id", "director": "director_id",
    "areas": "area_ids", "leader": "leader_id", "team": "team_id", "unit": "unit_id", "area": "area_id",
    "household": "household_id", "responsible": "responsible_id", "organizations": "organization_ids",
}


@contextmanager
def _payload_names(**renames: str):
    """A service's field errors under the names the payload uses (``leader`` → ``leader_id``)."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        names = {**PAYLOAD_NAMES, **renames}
        raise ValidationError({names.get(field, field): errors for field, errors in error.error_dict.items()}) from None


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _value(choice):
    """A TextChoices member (as pydantic gives it) → the stored string."""
    return getattr(choice, "value", choice)


def _in_reach(user, model_or_qs, pk: int | None, key: str, errors: dict):
    """One referenced object the user may see; the error goes into ``errors`` under ``key``."""
    if pk is None:
        return None
    found = access.restrict(model_or_qs, user).filter(pk=pk).first()
    if found is None:
        model = model_or_qs.model if isinstance(model_or_qs, QuerySet) else model_or_qs
        errors[key] = _("Không tìm thấy %(model)s số %(pk)s trong phạm vi của bạn.") % {
            "model": model._meta.verbose_name, "pk": pk}
    return found


def _unit(user, pk: int | None, code: str | None, key: str, errors: dict) -> AdministrativeUnit | None:
    """``<key>_id`` / ``<key>_code`` → a unit inside the user's reach (required)."""
    id_key, code_key = f"{key}_id", f"{key}_code"
    try:
        unit = _reference(user, "unit", pk=pk, code=code, id_key=id_key, code_key=code_key)
    except ValidationError as error:
        errors.update(error.message_dict)
        return None
    if unit is None:
        errors[id_key] = _("Hãy nhập %(id)s hoặc %(code)s.") % {"id": id_key, "code": code_key}
    return unit


def _member_organizations(body: JointBody, ids: list[int], key: str, errors: dict) -> list[Organization]:
    found = list(body.members.filter(pk__in=ids))
    missing = sorted(set(ids) - {o.pk for o in found})
    if missing:
        errors[key] = _("Tổ chức số %(ids)s không phải tổ chức thành viên của cơ quan khối.") % {
            "ids": ", ".join(map(str, missing))}
    return found


def _in_campaign_areas(campaign: Campaign, unit: AdministrativeUnit) -> bool:
    return any(unit.path.startswith(area.path) for area in campaign.areas.all())


def _campaign(request, campaign_id: int, action: str = access.VIEW) -> Campaign:
    return access.get_for_user_or_404(
        request.auth, action, Campaign.objects.select_related("joint_body__unit", "subcommittee", "rule"),
        pk=campaign_id)


def _household(request, household_id: int, action: str = access.VIEW) -> Household:
    return access.get_for_user_or_404(
        request.auth, action,
        Household.objects.select_related("campaign__joint_body__unit", "campaign__subcommittee", "team__leader",
                                         "area"),
        pk=household_id)


def _sees_households(user, campaign: Campaign) -> bool:
    """Whether the user reads some households of the campaign: its managers, or the members of
    one of its teams (the board and other cadres see its numbers only)."""
    if access.can(user, access.VIEW, Household(campaign=campaign)):
        return True
    person = getattr(user, "person", None)
    if person is None:
        return False
    teams = campaign.teams.filter(Q(leader=person) | Q(memberships__person=person)).distinct()
    return any(access.can(user, access.VIEW, Household(campaign=campaign, team=team)) for team in teams)


# ---------------------------------------------------------------- schemas: campaigns

class PhaseOut(Schema):
    id: int
    name: str
    start_date: dt.date
    end_date: dt.date
    target: str
    target_agreed_percent: int | None
    sort_order: int


class PhaseIn(Schema):
    name: str = Field(..., min_length=1)
    start_date: dt.date
    end_date: dt.date
    target: str = Field("", description="Chỉ tiêu, ví dụ “70% hộ đồng thuận”.")
    target_agreed_percent: int | None = Field(None, ge=0, le=100, description="Tỷ lệ hộ đồng thuận cần đạt (%).")
    sort_order: int | None = Field(None, ge=0, description="Để trống: sau các giai đoạn đã có.")


class CampaignOut(Schema):
    id: int
    joint_body_id: int
    joint_body_name: str
    unit_id: int
    unit_code: str
    subcommittee_id: int | None = Field(..., description="Tiểu ban phụ trách; trống: cơ quan khối trực tiếp chỉ đạo.")
    subcommittee_name: str | None
    rule_id: int
    rule_code: str
    name: str
    kind: CampaignKind
    message: str
    situation: str
    requirements: str
    solutions: str
    director_id: int | None
    director_name: str | None
    area_ids: list[int]
    area_codes: list[str]
    reference_prefix: str
    start_date: dt.date
    end_date: dt.date
    status: CampaignStatus
    phases: list[PhaseOut]

    @staticmethod
    def resolve_joint_body_name(obj):
        return obj.joint_body.name

    @staticmethod
    def resolve_unit_id(obj):
        return obj.joint_body.unit_id

    @staticmethod
    def resolve_unit_code(obj):
        return obj.joint_body.unit.code

    @staticmethod
    def resolve_subcommittee_name(obj):
        return obj.subcommittee.name if obj.subcommittee_id else None

    @staticmethod
    def resolve_rule_code(obj):
        return obj.rule.code

    @staticmethod
    def resolve_director_name(obj):
        return obj.director.full_name if obj.director_id else None

    @staticmethod
    def resolve_area_ids(obj):
        return [u.pk for u in obj.areas.all()]

    @staticmethod
    def resolve_area_codes(obj):
        return [u.code for u in obj.areas.all()]

    @staticmethod
    def resolve_phases(obj):
        return list(obj.phases.all())


class CampaignFields(Schema):
    subcommittee_id: int | None = Field(
        None, description="Tiểu ban phụ trách (trưởng tiểu ban lập chiến dịch của tiểu ban mình); "
                          "để trống: cơ quan khối trực tiếp chỉ đạo.")
    name: str
    kind: CampaignKind = CampaignKind.CAMPAIGN
    rule_id: int | None = Field(
        None, description="Một quy tắc “chung” trong danh mục của tỉnh (GET /rules); để trống: C5 của danh mục.")
    message: str = ""
    situation: str = ""
    requirements: str = ""
    solutions: str = ""
    director_id: int | None = Field(None, description="Người chỉ đạo chung: lãnh đạo cơ quan khối hoặc một "
                                                      "tổ chức thành viên.")
    area_ids: list[int] = Field([], description="Địa bàn (số hiệu); cùng với area_codes.")
    area_codes: list[str] = Field([], description="Địa bàn (mã đơn vị), trong địa bàn của cơ quan khối.")
    reference_prefix: str = Field(..., description="Tiền tố số hồ sơ đầu mối, ví dụ DH (tối đa 8 ký tự).")
    start_date: dt.date
    end_date: dt.date
    status: CampaignStatus = CampaignStatus.DRAFT


class CampaignIn(CampaignFields):
    joint_body_id: int


class CampaignFilters(Schema):
    q: str = Field("", description="Tên chiến dịch, không cần dấu.")
    status: CampaignStatus | None = None
    joint_body_id: int | None = None


class StatsOut(Schema):
    total: int
    by_status: dict[str, int] = Field(..., description="Số hộ theo trạng thái (new, contacted, agreed, completed, "
                                                       "blocked).")
    agreed_or_done: int
    reached: int
    percent_agreed: float
    percent_reached: float


class TeamStatsOut(StatsOut):
    team_id: int | None = Field(..., description="Trống: các hộ chưa giao cho tổ nào.")
    team_name: str | None


class AreaStatsOut(StatsOut):
    unit_id: int | None
    unit_code: str | None
    name: str


class DayOut(Schema):
    day: dt.date
    reached: int = Field(..., description="Số hộ đã tiếp xúc tính đến ngày này (cộng dồn).")
    agreed: int = Field(..., description="Số hộ đã đồng thuận tính đến ngày này (cộng dồn).")
    percent_agreed: float


class PhaseProgressOut(PhaseOut):
    actual_percent_agreed: float | None = Field(
        ..., description="Tỷ lệ hộ đồng thuận đạt được đến cuối giai đoạn (hoặc hôm nay); trống: chưa bắt đầu.")


class ProgressOut(Schema):
    campaign_id: int
    name: str
    status: CampaignStatus
    start_date: dt.date
    end_date: dt.date
    overall: StatsOut
    teams: list[TeamStatsOut]
    areas: list[AreaStatsOut]
    daily: list[DayOut]
    phases: list[PhaseProgressOut]


# ---------------------------------------------------------------- schemas: teams

class MemberOut(Schema):
    person_id: int
    person_name: str
    organization_id: int
    organization_name: str

    @staticmethod
    def resolve_person_name(obj):
        return obj.person.full_name

    @staticmethod
    def resolve_organization_name(obj):
        return obj.organization.name


class TeamAreaOut(Schema):
    unit_id: int
    unit_code: str
    name: str

    @staticmethod
    def resolve_unit_code(obj):
        return obj.unit.code

    @staticmethod
    def resolve_name(obj):
        return obj.unit.name


class TeamOut(Schema):
    id: int
    campaign_id: int
    name: str
    leader_id: int
    leader_name: str
    members: list[MemberOut]
    areas: list[TeamAreaOut]

    @staticmethod
    def resolve_leader_name(obj):
        return obj.leader.full_name

    @staticmethod
    def resolve_members(obj):
        return list(obj.memberships.all())

    @staticmethod
    def resolve_areas(obj):
        return list(obj.areas.all())


class MemberIn(Schema):
    person_id: int
    organization_id: int = Field(..., description="Tổ chức thành viên mà người này giữ chức vụ, đi cùng tổ.")


class TeamIn(Schema):
    name: str = Field(..., min_length=1)
    leader_id: int = Field(..., description="Lãnh đạo (trưởng hoặc phó) một tổ chức thành viên.")
    members: list[MemberIn] = Field([], description="Tổ viên, mỗi người đi cùng một tổ chức thành viên.")


class AreaIn(Schema):
    unit_id: int | None = None
    unit_code: str | None = Field(None, description="Một địa bàn của chiến dịch, hoặc một phần của nó.")


class AreaTakenOut(Schema):
    detail: str
    code: Literal["area_taken"] | None = Field(None, description="“area_taken”: địa bàn đã do tổ khác phụ trách.")
    team_id: int | None = Field(None, description="Tổ đang phụ trách địa bàn.")
    team_name: str | None = None


# ---------------------------------------------------------------- schemas: households and visits

class VisitOut(Schema):
    id: int
    date: dt.date
    team_id: int
    outcome: VisitOutcome
    organization_ids: list[int]
    raised: str
    next_step: str
    recorded_by: str | None = Field(..., description="Người ghi nhận.")
    created_at: dt.datetime

    @staticmethod
    def resolve_organization_ids(obj):
        return [o.pk for o in obj.organizations.all()]

    @staticmethod
    def resolve_recorded_by(obj):
        user = obj.recorded_by
        if user is None:
            return None
        person = getattr(user, "person", None)
        return person.full_name if person is not None else user.get_username()


class HouseholdOut(Schema):
    id: int
    campaign_id: int
    head_name: str
    address: str
    area_id: int
    area_code: str
    area_name: str
    phone: str
    extra: dict
    team_id: int | None
    team_name: str | None
    status: HouseholdStatus
    blocked_reason: str
    reassignment_reason: str
    status_changed_at: dt.datetime | None
    last_visit: dt.date | None

    @staticmethod
    def resolve_area_code(obj):
        return obj.area.code

    @staticmethod
    def resolve_area_name(obj):
        return obj.area.name

    @staticmethod
    def resolve_team_name(obj):
        return obj.team.name if obj.team_id else None

    @staticmethod
    def resolve_last_visit(obj):
        return getattr(obj, "last_visit", None)


class HouseholdDetailOut(HouseholdOut):
    visits: list[VisitOut] = Field(..., description="Các lần tiếp xúc, gần nhất trước.")

    @staticmethod
    def resolve_visits(obj):
        return list(obj.visits.all())


class HouseholdIn(Schema):
    head_name: str = Field(..., min_length=1)
    address: str = ""
    area_id: int | None = None
    area_code: str | None = Field(None, description="Một địa bàn của chiến dịch (hoặc một phần của nó); hộ được "
                                                    "giao cho tổ phụ trách địa bàn đó.")
    phone: str = ""
    extra: dict = Field({}, description="Thông tin riêng của chiến dịch, ví dụ {\"diện tích\": \"120 m²\"}.")


class HouseholdFilters(Schema):
    q: str = Field("", description="Tên chủ hộ, không cần dấu.")
    team_id: int | None = None
    status: HouseholdStatus | None = None
    area_id: int | None = None
    area_code: str | None = Field(None, description="Hộ trong địa bàn này (và các địa bàn bên dưới).")


class ReassignIn(Schema):
    team_id: int
    reason: str = Field("", description="Bắt buộc khi hộ đã do một tổ khác phụ trách.")


class VisitIn(Schema):
    date: dt.date | None = Field(None, description="Ngày tiếp xúc (không ở tương lai); để trống: hôm nay.")
    outcome: VisitOutcome
    organization_ids: list[int] | None = Field(
        None, description="Các tổ chức đi tiếp xúc; để trống (null): các tổ chức của tổ.")
    raised: str = Field("", description="Hộ dân nêu, kiến nghị.")
    next_step: str = ""


class HouseholdStatusIn(Schema):
    status: Literal["completed", "blocked"]
    reason: str = Field("", description="Lý do vướng mắc (bắt buộc khi “blocked”).")


# ---------------------------------------------------------------- schemas: cases

class CaseOut(Schema):
    id: int
    reference: str
    joint_body_id: int
    campaign_id: int | None
    household_id: int | None
    topic: str
    citizen_name: str
    phone: str
    content: str
    responsible_id: int
    responsible_name: str
    organization_ids: list[int]
    deadline: dt.date
    is_overdue: bool
    status: CaseStatus
    answer: str
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_responsible_name(obj):
        return obj.responsible.full_name

    @staticmethod
    def resolve_organization_ids(obj):
        return [o.pk for o in obj.organizations.all()]

    @staticmethod
    def resolve_is_overdue(obj):
        return obj.status == CaseStatus.OPEN and obj.deadline < timezone.localdate()


class CaseIn(Schema):
    topic: str = Field(..., min_length=1, description="Ví dụ “Mức bồi thường đất vườn”: một hộ, một chủ đề, một hồ sơ.")
    citizen_name: str = Field(..., min_length=1)
    phone: str = Field(..., description="Người dân tra cứu hồ sơ bằng số hồ sơ và số điện thoại này.")
    content: str = Field(..., min_length=1)
    household_id: int | None = None
    responsible_id: int = Field(..., description="Người trả lời: cán bộ của cơ quan khối hoặc một tổ chức thành viên.")
    organization_ids: list[int] = Field([], description="Tổ chức liên quan (tổ chức thành viên).")
    deadline: dt.date | None = Field(None, description=f"Hạn trả lời; để trống: sau {DEFAULT_ANSWER_DAYS} ngày.")


class CaseFilters(Schema):
    q: str = Field("", description="Số hồ sơ hoặc chủ đề, không cần dấu.")
    status: CaseStatus | None = None
    campaign_id: int | None = None


class AnswerIn(Schema):
    answer: str = Field(..., description="Người dân xem được nội dung này khi tra cứu.")
    close: bool = Field(False, description="Đóng hồ sơ (đã giải quyết xong).")


class CaseExistsOut(Schema):
    detail: str
    code: Literal["case_exists"] | None = Field(
        None, description="“case_exists”: hộ này đã có hồ sơ cùng chủ đề; bổ sung vào hồ sơ đó.")
    case_id: int | None = Field(None, description="Hồ sơ đã có (khi bạn xem được).")


# ---------------------------------------------------------------- campaigns

def _campaign_kwargs(user, body: JointBody, data: dict, current: Campaign | None) -> dict:
    """Payload → campaign_save's keyword arguments; what a change does not send keeps its value
    (the areas too: the service replaces them)."""
    errors: dict = {}
    fields = {name: data[name] for name in ("name", "message", "situation", "requirements", "solutions",
                                            "reference_prefix", "start_date", "end_date") if name in data}
    for name in ("kind", "status"):
        if name in data:
            fields[name] = _value(data[name])
    if "subcommittee_id" in data:
        sub = _in_reach(user, Subcommittee, data["subcommittee_id"], "subcommittee_id", errors)
        if sub is not None and sub.joint_body_id != body.pk:
            errors["subcommittee_id"] = _("Tiểu ban phải thuộc cơ quan khối đã chọn.")
        fields["subcommittee"] = sub
    if "rule_id" in data or current is None:
        rule_id = data.get("rule_id")
        if rule_id is None and current is None:
            rule = rule_catalog_for_unit(body.unit).filter(code=PROPAGANDA_RULE, is_active=True).first()
        else:
            rule = _in_reach(user, CoordinationRule, rule_id, "rule_id", errors)
        if rule is None:
            errors.setdefault("rule_id", _("Hãy chọn quy tắc phối hợp."))
        elif rule.catalog_unit_id not in (None, body.unit.ancestor_ids()[0]):
            errors["rule_id"] = _("Quy tắc phải thuộc bộ quy tắc của tỉnh nơi có cơ quan khối.")
        elif not rule.is_active:
            errors["rule_id"] = _("Quy tắc này không còn áp dụng.")
        fields["rule"] = rule
    if "director_id" in data:
        director = _in_reach(user, Person, data["director_id"], "director_id", errors)
        leaders = Position.objects.filter(current_positions()).filter(
            Q(joint_body=body) | Q(organization__in=body.members.all(), role__in=(PositionRole.HEAD, PositionRole.DEPUTY)))
        if director is not None and not leaders.filter(person=director).exists():
            errors["director_id"] = _("Người chỉ đạo chung phải là lãnh đạo cơ quan khối hoặc một tổ chức thành viên.")
        fields["director"] = director
    if "area_ids" in data or "area_codes" in data:
        wanted = data.get("area_ids") or []
        areas = list(access.restrict(AdministrativeUnit, user).filter(pk__in=wanted))
        missing = sorted(set(wanted) - {u.pk for u in areas})
        if missing:
            errors["area_ids"] = _("Không tìm thấy đơn vị số %(ids)s trong phạm vi của bạn.") % {
                "ids": ", ".join(map(str, missing))}
        for code in data.get("area_codes") or []:
            try:
                areas.append(UnitCodeField(user=user).clean(code))
            except ValidationError as error:
                errors.setdefault("area_codes", []).extend(error.messages)
        areas = list({u.pk: u for u in areas if u is not None}.values())
    else:
        areas = list(current.areas.all()) if current else []
    _raise(errors)
    return {**fields, "areas": areas}


def _areas_key(data: dict) -> str:
    return "area_ids" if data.get("area_ids") and not data.get("area_codes") else "area_codes"


@api.get("/campaigns", response=answers(list[CampaignOut]), tags=TAGS_CAMPAIGNS)
@paginate(Page)
def campaign_list(request, filters: Query[CampaignFilters]):
    """The campaigns in the user's reach (everyone sees the campaigns of their area)."""
    qs = selectors.campaign_list_for_user(request.auth, query=filters.q, status=_value(filters.status) or "")
    if filters.joint_body_id is not None:
        qs = qs.filter(joint_body_id=filters.joint_body_id)
    return _campaigns(qs).order_by("-start_date", "pk")


@api.get("/campaigns/{int:campaign_id}", response=answers(CampaignOut), tags=TAGS_CAMPAIGNS)
def campaign_get(request, campaign_id: int):
    return _get(request, Campaign, campaign_id)


@api.post("/campaigns", response=answers(CampaignOut, 201), tags=TAGS_CAMPAIGNS)
def campaign_create(request, payload: CampaignIn):
    """A campaign of a joint body: its head, or a subcommittee head for a campaign their part runs."""
    user = request.auth
    if not access.can_create(user, Campaign):
        raise PermissionDenied
    data = payload.model_dump()
    errors: dict = {}
    body = _in_reach(user, JointBody.objects.select_related("unit"), data.pop("joint_body_id"), "joint_body_id", errors)
    _raise(errors)
    kwargs = _campaign_kwargs(user, body, data, None)
    with _payload_names(areas=_areas_key(data)):
        campaign = services.campaign_save(actor=user, joint_body=body, **kwargs)
    return Status(201, _get(request, Campaign, campaign.pk))


@api.patch("/campaigns/{int:campaign_id}", response=answers(CampaignOut), tags=TAGS_CAMPAIGNS)
def campaign_update(request, campaign_id: int, payload: PatchDict[CampaignFields]):
    """Change a campaign (its body's head, the subcommittee head running it); fields not sent keep
    their values, the areas too."""
    user = request.auth
    campaign = _campaign(request, campaign_id, access.CHANGE)
    data = dict(payload)
    kwargs = _campaign_kwargs(user, campaign.joint_body, data, campaign)
    with _payload_names(areas=_areas_key(data)):
        services.campaign_save(actor=user, campaign=campaign, **kwargs)
    return _get(request, Campaign, campaign_id)


def _percent_at(series: list[dict], day: dt.date) -> float | None:
    value = None
    for point in series:
        if point["day"] > day:
            break
        value = point["percent_agreed"]
    return value


def _stats(stats: dict) -> dict:
    return {key: stats[key] for key in ("total", "by_status", "agreed_or_done", "reached", "percent_agreed",
                                         "percent_reached")}


@api.get("/campaigns/{int:campaign_id}/progress", response=answers(ProgressOut), tags=TAGS_CAMPAIGNS)
def campaign_progress(request, campaign_id: int):
    """Numbers only (no names, no phones), for whoever sees the campaign, the provincial board
    included: households by status overall, per team and per area; the daily cumulative series;
    each phase's target against what was reached."""
    campaign = _campaign(request, campaign_id)
    progress = selectors.campaign_progress(campaign)
    series = selectors.daily_progress(campaign)
    # the selector's areas come sorted by unit id, without the id: put the units back beside them
    area_ids = sorted(set(Household.objects.filter(campaign=campaign).values_list("area_id", flat=True)))
    units = AdministrativeUnit.objects.in_bulk(area_ids)
    if len(area_ids) != len(progress["areas"]):
        area_ids = [None] * len(progress["areas"])
    today = timezone.localdate()
    phases = []
    for phase in campaign.phases.order_by("sort_order", "start_date", "pk"):
        actual = None
        if phase.start_date <= today:
            actual = _percent_at(series, min(phase.end_date, today)) or 0.0
        phases.append({**{f: getattr(phase, f) for f in ("id", "name", "start_date", "end_date", "target",
                                                          "target_agreed_percent", "sort_order")},
                       "actual_percent_agreed": actual})
    return {
        "campaign_id": campaign.pk, "name": campaign.name, "status": campaign.status,
        "start_date": campaign.start_date, "end_date": campaign.end_date,
        "overall": _stats(progress["overall"]),
        "teams": [{**_stats(s), "team_id": s["team"].pk if s["team"] else None,
                   "team_name": s["team"].name if s["team"] else None} for s in progress["teams"]],
        "areas": [{**_stats(s), "unit_id": pk, "unit_code": units[pk].code if pk in units else None,
                   "name": s["name"]} for s, pk in zip(progress["areas"], area_ids)],
        "daily": series,
        "phases": phases,
    }


@api.post("/campaigns/{int:campaign_id}/phases", response=answers(PhaseOut, 201), tags=TAGS_CAMPAIGNS)
def phase_create(request, campaign_id: int, payload: PhaseIn):
    """A phase of the campaign with its target (those who manage the campaign)."""
    campaign = _campaign(request, campaign_id, access.CHANGE)
    data = payload.model_dump()
    if data["end_date"] < data["start_date"]:
        raise ValidationError({"end_date": _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")})
    if data["sort_order"] is None:
        data["sort_order"] = campaign.phases.count() + 1
    phase = services.phase_save(actor=request.auth, campaign=campaign, **data)
    return Status(201, phase)


# ---------------------------------------------------------------- teams and their areas

@api.get("/campaigns/{int:campaign_id}/teams", response=answers(list[TeamOut]), tags=TAGS_CAMPAIGNS)
@paginate(Page)
def team_list(request, campaign_id: int):
    """The campaign's work teams: leader, members (with their organization) and areas."""
    campaign = _campaign(request, campaign_id)
    return _teams(access.restrict(WorkTeam, request.auth).filter(campaign=campaign))


def _team_members(campaign: Campaign, members: list[MemberIn], errors: dict) -> list[tuple[Person, Organization]]:
    """(person, organization) pairs: each person holds a current position in that member organization."""
    person_ids = [m.person_id for m in members]
    orgs = {o.pk: o for o in _member_organizations(campaign.joint_body, [m.organization_id for m in members],
                                                   "members", errors)}
    people = Person.objects.in_bulk(person_ids)
    held = set(Position.objects.filter(current_positions(), person_id__in=person_ids, organization_id__in=orgs)
               .values_list("person_id", "organization_id"))
    pairs, seen = [], set()
    for member in members:
        person, org = people.get(member.person_id), orgs.get(member.organization_id)
        if org is None:
            continue
        if person is None or (member.person_id, member.organization_id) not in held:
            errors.setdefault("members", _("Người số %(pk)s không giữ chức vụ nào ở %(org)s.")
                              % {"pk": member.person_id, "org": org.name})
            continue
        if person.pk in seen:
            errors.setdefault("members", _("%(name)s được chọn hai lần: mỗi người tham gia tổ với một tổ chức.")
                              % {"name": person.full_name})
        seen.add(person.pk)
        pairs.append((person, org))
    return pairs


@api.post("/campaigns/{int:campaign_id}/teams", response=answers(TeamOut, 201), tags=TAGS_CAMPAIGNS)
def team_create(request, campaign_id: int, payload: TeamIn):
    """A cross-organization work team: a leader who heads (or deputises) a member organization, and
    members, each going with a member organization where they hold a position."""
    user = request.auth
    campaign = _campaign(request, campaign_id, access.CHANGE)
    errors: dict = {}
    leader = _in_reach(user, Person, payload.leader_id, "leader_id", errors)
    members = _team_members(campaign, payload.members, errors)
    _raise(errors)
    with _payload_names():
        team = services.team_save(actor=user, campaign=campaign, name=payload.name, leader=leader, members=members)
    return Status(201, _get(request, WorkTeam, team.pk))


@api.post("/teams/{int:team_id}/areas", response=answers(TeamOut, 201, also={200: TeamOut, 409: AreaTakenOut}),
          tags=TAGS_CAMPAIGNS)
def team_assign_area(request, team_id: int, payload: AreaIn):
    """Give an area of the campaign (or a part of one) to the team: 201; 200 if the team has it
    already. Each area is covered by one team only: an area another team has answers 409
    ``area_taken`` with that team. Households of the area without a team go to this team."""
    user = request.auth
    team = access.get_for_user_or_404(user, access.CHANGE,
                                      WorkTeam.objects.select_related("campaign__joint_body__unit"), pk=team_id)
    campaign = team.campaign
    key = "unit_code" if payload.unit_code else "unit_id"
    errors: dict = {}
    unit = _unit(user, payload.unit_id, payload.unit_code, "unit", errors)
    if unit is not None and not _in_campaign_areas(campaign, unit):
        errors[key] = _("%(unit)s không thuộc địa bàn của chiến dịch.") % {"unit": unit.name}
    _raise(errors)
    if TeamArea.objects.filter(team=team, unit=unit).exists():
        return Status(200, _get(request, WorkTeam, team.pk))
    try:
        with _payload_names(unit=key):
            services.team_assign_area(actor=user, team=team, unit=unit)
    except ValidationError as error:
        if getattr(error, "code", None) != "area_taken":
            raise
        holder = TeamArea.objects.filter(campaign=campaign, unit=unit).select_related("team").first()
        return Status(409, {"detail": " ".join(error.messages), "code": "area_taken",
                            "team_id": holder.team_id if holder else None,
                            "team_name": holder.team.name if holder else None})
    return Status(201, _get(request, WorkTeam, team.pk))


# ---------------------------------------------------------------- households and visits

@api.get("/campaigns/{int:campaign_id}/households", response=answers(list[HouseholdOut]), tags=TAGS_HOUSEHOLDS)
@paginate(Page)
def household_list(request, campaign_id: int, filters: Query[HouseholdFilters]):
    """The campaign's households the user may read: all of them for its managers, their team's for
    a team's members. Whoever else sees the campaign gets 403: its numbers are in /progress."""
    user = request.auth
    campaign = _campaign(request, campaign_id)
    if not _sees_households(user, campaign):
        raise PermissionDenied(_("Bạn chỉ xem được số liệu tổng hợp của chiến dịch này "
                                 "(GET /campaigns/%(id)s/progress), không xem được danh sách hộ.") % {"id": campaign.pk})
    errors: dict = {}
    team = None
    if filters.team_id is not None:
        team = campaign.teams.filter(pk=filters.team_id).first()
        if team is None:
            errors["team_id"] = _("Chiến dịch không có tổ số %(pk)s.") % {"pk": filters.team_id}
    area = None
    if filters.area_id is not None or filters.area_code:
        area = _unit(user, filters.area_id, filters.area_code, "area", errors)
    _raise(errors)
    return _households(selectors.household_list_for_user(user, campaign=campaign, query=filters.q, team=team,
                                                         status=_value(filters.status) or "", area=area))


@api.post("/campaigns/{int:campaign_id}/households", response=answers(HouseholdDetailOut, 201), tags=TAGS_HOUSEHOLDS)
def household_create(request, campaign_id: int, payload: HouseholdIn):
    """Add a household (those who manage the campaign; many at once: the import page). It goes to
    the team covering its area."""
    user = request.auth
    campaign = _campaign(request, campaign_id, access.CHANGE)
    key = "area_code" if payload.area_code else "area_id"
    errors: dict = {}
    area = _unit(user, payload.area_id, payload.area_code, "area", errors)
    if area is not None and not _in_campaign_areas(campaign, area):
        errors[key] = _("%(unit)s không thuộc địa bàn của chiến dịch.") % {"unit": area.name}
    _raise(errors)
    with _payload_names(area=key):
        household = services.household_save(actor=user, campaign=campaign, head_name=payload.head_name,
                                            address=payload.address, area=area, phone=payload.phone,
                                            extra=payload.extra)
    return Status(201, _get(request, Household, household.pk))


@api.get("/households/{int:household_id}", response=answers(HouseholdDetailOut), tags=TAGS_HOUSEHOLDS)
def household_get(request, household_id: int):
    """A household with its visits (its campaign's managers and its team's members only)."""
    return _get(request, Household, household_id)


@api.post("/households/{int:household_id}/reassign", response=answers(HouseholdDetailOut), tags=TAGS_HOUSEHOLDS)
def household_reassign(request, household_id: int, payload: ReassignIn):
    """Give the household to another team of the campaign (its managers), with a reason when a
    team covers it already."""
    user = request.auth
    household = _household(request, household_id)
    if not access.can(user, access.CHANGE, household.campaign):
        raise PermissionDenied
    team = household.campaign.teams.filter(pk=payload.team_id).first()
    if team is None:
        raise ValidationError({"team_id": _("Chiến dịch không có tổ số %(pk)s.") % {"pk": payload.team_id}})
    with _payload_names():
        services.household_reassign(actor=user, household=household, team=team, reason=payload.reason)
    return _get(request, Household, household_id)


@api.post("/households/{int:household_id}/visits", response=answers(HouseholdDetailOut, 201), tags=TAGS_HOUSEHOLDS)
def visit_create(request, household_id: int, payload: VisitIn):
    """Record a visit (the team's members, the campaign's managers). The household moves forward
    (never back from agreed or completed); answers the household, its status and its visits."""
    user = request.auth
    household = _household(request, household_id, access.CHANGE)
    errors: dict = {}
    if payload.organization_ids is None:
        organizations = (list(Organization.objects.filter(pk__in=services.team_organizations(household.team)))
                         if household.team_id else [])
    else:
        organizations = _member_organizations(household.campaign.joint_body, payload.organization_ids,
                                              "organization_ids", errors)
    _raise(errors)
    with _payload_names():
        services.visit_record(actor=user, household=household, date=payload.date or timezone.localdate(),
                              outcome=_value(payload.outcome), organizations=organizations, raised=payload.raised,
                              next_step=payload.next_step)
    return Status(201, _get(request, Household, household_id))


@api.post("/households/{int:household_id}/status", response=answers(HouseholdDetailOut), tags=TAGS_HOUSEHOLDS)
def household_set_status(request, household_id: int, payload: HouseholdStatusIn):
    """Mark the household completed (e.g. land handed over) or blocked, with the reason."""
    household = _household(request, household_id, access.CHANGE)
    services.household_set_status(actor=request.auth, household=household, status=payload.status,
                                  reason=payload.reason)
    return _get(request, Household, household_id)


# ---------------------------------------------------------------- cases

def _case(request, case_id: int) -> Case:
    """A case the user may see, or one the user is the responsible person of."""
    qs = _cases(Case.objects.all())
    person = getattr(request.auth, "person", None)
    if person is not None:
        own = qs.filter(pk=case_id, responsible=person).first()
        if own is not None:
            return own
    return access.get_for_user_or_404(request.auth, access.VIEW, qs, pk=case_id)


@api.get("/cases", response=answers(list[CaseOut]), tags=TAGS_CASES)
@paginate(Page)
def case_list(request, filters: Query[CaseFilters]):
    """Cases in the user's reach (the body's head, deputies and subcommittee heads; the member
    organizations' staff read them)."""
    errors: dict = {}
    campaign = _in_reach(request.auth, Campaign, filters.campaign_id, "campaign_id", errors)
    _raise(errors)
    qs = selectors.case_list_for_user(request.auth, campaign=campaign, query=filters.q,
                                      status=_value(filters.status) or "")
    return _cases(qs).order_by("-created_at", "-pk")


@api.get("/cases/{int:case_id}", response=answers(CaseOut), tags=TAGS_CASES)
def case_get(request, case_id: int):
    return _case(request, case_id)


@api.post("/campaigns/{int:campaign_id}/cases", response=answers(CaseOut, 201, also={409: CaseExistsOut}),
          tags=TAGS_CASES)
def case_create(request, campaign_id: int, payload: CaseIn):
    """Record a citizen's question once (the body's head, deputies, subcommittee heads): one
    reference, one responsible person (notified), one answer. A second case about the same
    household and topic answers 409 ``case_exists``."""
    user = request.auth
    campaign = _campaign(request, campaign_id)
    body = campaign.joint_body
    if not access.can(user, access.CHANGE, Case(joint_body=body, campaign=campaign)):
        raise PermissionDenied
    errors: dict = {}
    household = None
    if payload.household_id is not None:
        household = selectors.household_list_for_user(user, campaign=campaign).filter(pk=payload.household_id).first()
        if household is None:
            errors["household_id"] = _("Không tìm thấy hộ số %(pk)s của chiến dịch trong phạm vi của bạn.") % {
                "pk": payload.household_id}
    responsible = assignable_people(body).filter(pk=payload.responsible_id).first()
    if responsible is None:
        errors["responsible_id"] = _("Người phụ trách phải là cán bộ của cơ quan khối hoặc một tổ chức thành viên.")
    organizations = _member_organizations(body, payload.organization_ids, "organization_ids", errors)
    deadline = payload.deadline or timezone.localdate() + dt.timedelta(days=DEFAULT_ANSWER_DAYS)
    if deadline < timezone.localdate():
        errors["deadline"] = _("Hạn trả lời không được ở quá khứ.")
    _raise(errors)
    try:
        with _payload_names():
            case = services.case_open(actor=user, campaign=campaign, topic=payload.topic,
                                      citizen_name=payload.citizen_name, phone=payload.phone, content=payload.content,
                                      responsible=responsible, deadline=deadline, household=household,
                                      organizations=organizations)
    except ValidationError as error:
        if getattr(error, "code", None) != "case_exists":
            raise
        existing = access.restrict(Case, user).filter(household=household, topic_key=text.fold(
            payload.topic)).first()
        return Status(409, {"detail": " ".join(error.messages), "code": "case_exists",
                            "case_id": existing.pk if existing else None})
    return Status(201, _case(request, case.pk))


@api.post("/cases/{int:case_id}/answer", response=answers(CaseOut), tags=TAGS_CASES)
def case_answer(request, case_id: int, payload: AnswerIn):
    """Answer (and possibly close) the case: the responsible person, or the body's head, deputies
    and subcommittee heads. Citizens read the answer on the public lookup page."""
    case = _case(request, case_id)
    if not services.can_answer(request.auth, case):
        raise PermissionDenied
    services.case_answer(actor=request.auth, case=case, answer=payload.answer, close=payload.close)
    return _case(request, case_id)
