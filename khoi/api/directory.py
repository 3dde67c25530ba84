"""The directory: units, organizations, joint bodies and their parts, people, positions,
coordination rules, API tokens."""

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Field, PatchDict, Query, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from khoi import access, selectors, services
from khoi.api.base import (
    DETAIL_QUERYSETS,
    Page,
    _create,
    _get,
    _reference,
    _update,
    _within,
    answers,
    api,
)
from khoi.api_auth import session_auth
from khoi.models import (
    AdministrativeUnit,
    CoordinationRule,
    JointBody,
    Organization,
    OrganizationType,
    Person,
    Position,
    PositionRole,
    RuleMode,
    Subcommittee,
    SubcommitteeKind,
    UnitLevel,
    UnitSuccession,
)

_SUCCESSIONS = (
    Prefetch("succession_out", queryset=UnitSuccession.objects.select_related("successor")
             .order_by("successor__code")),
    Prefetch("succession_in", queryset=UnitSuccession.objects.select_related("predecessor")
             .order_by("predecessor__code")),
)

DETAIL_QUERYSETS.update({
    AdministrativeUnit: lambda user: selectors.unit_list_for_user(user).prefetch_related(*_SUCCESSIONS),
    Organization: selectors.organization_list_for_user,
    JointBody: lambda user: selectors.joint_body_list_for_user(user).prefetch_related(
        "memberships", "subcommittees"),
    Subcommittee: lambda user: access.restrict(Subcommittee, user).select_related("joint_body"),
    Person: selectors.person_list_for_user,
    Position: selectors.position_list_for_user,
    CoordinationRule: selectors.rule_list_for_user,
})


# ---------------------------------------------------------------- schemas

class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    unit_type: str
    level: UnitLevel
    parent_id: int | None
    parent_code: str | None
    depth: int
    valid_from: dt.date | None
    valid_to: dt.date | None

    @staticmethod
    def resolve_parent_code(obj):
        return obj.parent.code if obj.parent_id else None


class SuccessionOut(Schema):
    id: int
    code: str
    name: str
    effective_date: dt.date
    takes_history: bool


class UnitDetailOut(UnitOut):
    successors: list[SuccessionOut]
    predecessors: list[SuccessionOut]

    @staticmethod
    def resolve_successors(obj):
        return [_succession(s, s.successor) for s in obj.succession_out.all()]

    @staticmethod
    def resolve_predecessors(obj):
        return [_succession(s, s.predecessor) for s in obj.succession_in.all()]


def _succession(link: UnitSuccession, unit: AdministrativeUnit) -> dict:
    return {"id": unit.pk, "code": unit.code, "name": unit.name,
            "effective_date": link.effective_date, "takes_history": link.takes_history}


class UnitIn(Schema):
    code: str
    name: str
    short_name: str = ""
    unit_type: str
    level: UnitLevel
    parent_id: int | None = None
    parent_code: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class UnitFilters(Schema):
    q: str = Field("", description="Tên (không cần dấu) hoặc đầu mã, ví dụ “dam ha”, “06895”.")
    level: UnitLevel | None = None
    status: Literal["current", "past"] | None = None
    within_id: int | None = Field(None, description="Chỉ trong cây của đơn vị này (số hiệu).")
    within_code: str | None = Field(None, description="Chỉ trong cây của đơn vị có mã này.")


class OrganizationTypeOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    member_noun: str
    sort_order: int


class PersonBriefOut(Schema):
    position_id: int
    person_id: int
    full_name: str
    title: str


def _brief(position: Position) -> dict:
    return {"position_id": position.pk, "person_id": position.person_id,
            "full_name": position.person.full_name, "title": position.title}


def _heads(obj) -> list[dict]:
    return [_brief(p) for p in getattr(obj, "current_heads", [])]


class UnitRefMixin(Schema):
    unit_id: int
    unit_code: str
    unit_name: str

    @staticmethod
    def resolve_unit_code(obj):
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name


class OrganizationOut(UnitRefMixin):
    id: int
    org_type: str
    org_type_name: str
    name: str
    short_name: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    heads: list[PersonBriefOut]

    @staticmethod
    def resolve_org_type(obj):
        return obj.org_type.code

    @staticmethod
    def resolve_org_type_name(obj):
        return obj.org_type.name

    @staticmethod
    def resolve_heads(obj):
        return _heads(obj)


class OrganizationIn(Schema):
    org_type: str = Field(..., description="Mã loại tổ chức, ví dụ MTTQ, HLHPN, BDV.")
    unit_id: int | None = None
    unit_code: str | None = None
    name: str
    short_name: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class OrganizationFilters(Schema):
    q: str = ""
    org_type: str | None = Field(None, description="Mã loại tổ chức.")
    within_id: int | None = None
    within_code: str | None = None


class JointBodyOut(UnitRefMixin):
    id: int
    name: str
    short_name: str
    decision_number: str
    decision_date: dt.date | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    heads: list[PersonBriefOut]

    @staticmethod
    def resolve_heads(obj):
        return _heads(obj)


class SubcommitteeOut(Schema):
    id: int
    joint_body_id: int
    kind: SubcommitteeKind
    name: str
    sort_order: int


class JointBodyDetailOut(JointBodyOut):
    member_organization_ids: list[int]
    subcommittees: list[SubcommitteeOut]

    @staticmethod
    def resolve_member_organization_ids(obj):
        return sorted(m.organization_id for m in obj.memberships.all())

    @staticmethod
    def resolve_subcommittees(obj):
        return list(obj.subcommittees.all())


class JointBodyIn(Schema):
    name: str
    short_name: str = ""
    unit_id: int | None = None
    unit_code: str | None = None
    decision_number: str = ""
    decision_date: dt.date | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    member_organization_ids: list[int] | None = Field(
        None, description="Thay toàn bộ danh sách tổ chức thành viên; bỏ trống để giữ nguyên."
    )


class WithinFilters(Schema):
    q: str = ""
    within_id: int | None = None
    within_code: str | None = None


class ChartOrganizationOut(Schema):
    id: int
    name: str
    short_name: str
    org_type: str


class ChartEntryOut(Schema):
    position_id: int
    title: str
    role: PositionRole
    person_id: int
    full_name: str
    organizations: list[ChartOrganizationOut]


class ChartSubcommitteeOut(SubcommitteeOut):
    heads: list[ChartEntryOut]
    members: list[ChartEntryOut]


class ChartOut(Schema):
    joint_body: JointBodyOut
    heads: list[ChartEntryOut]
    deputies: list[ChartEntryOut]
    staff: list[ChartEntryOut]
    subcommittees: list[ChartSubcommitteeOut]
    member_organizations: list[ChartOrganizationOut]


def _chart_org(org: Organization) -> dict:
    return {"id": org.pk, "name": org.name, "short_name": org.short_name, "org_type": org.org_type.code}


def _chart_entry(entry: dict) -> dict:
    position = entry["position"]
    return {"position_id": position.pk, "title": position.title, "role": position.role,
            "person_id": entry["person"].pk, "full_name": entry["person"].full_name,
            "organizations": [_chart_org(o) for o in entry["organizations"]]}


class SubcommitteeDetailOut(SubcommitteeOut):
    joint_body_name: str
    positions: list[PersonBriefOut]

    @staticmethod
    def resolve_joint_body_name(obj):
        return obj.joint_body.name

    @staticmethod
    def resolve_positions(obj):
        return [_brief(p) for p in selectors.subcommittee_members(obj)]


class SubcommitteeIn(Schema):
    name: str
    sort_order: int


class SeatMixin(Schema):
    organization_id: int | None
    joint_body_id: int | None
    subcommittee_id: int | None
    seat_name: str

    @staticmethod
    def resolve_seat_name(obj):
        return str(obj.seat)


class CurrentPositionOut(SeatMixin):
    id: int
    title: str
    role: PositionRole


class PersonOut(UnitRefMixin):
    id: int
    full_name: str
    phone: str
    email: str
    has_login: bool
    current_positions: list[CurrentPositionOut]

    @staticmethod
    def resolve_has_login(obj):
        return obj.user_id is not None


class PersonIn(Schema):
    full_name: str
    unit_id: int | None = None
    unit_code: str | None = None
    phone: str = ""
    email: str = ""


class PersonFilters(Schema):
    q: str = Field("", description="Họ tên, không cần dấu.")
    organization_id: int | None = Field(None, description="Chỉ người đang giữ chức vụ ở tổ chức này.")
    within_id: int | None = None
    within_code: str | None = None
    has_login: bool | None = None


class PositionOut(SeatMixin):
    id: int
    person_id: int
    person_name: str
    title: str
    role: PositionRole
    unit_id: int
    start_date: dt.date
    end_date: dt.date | None
    is_concurrent: bool
    is_current: bool

    @staticmethod
    def resolve_person_name(obj):
        return obj.person.full_name

    @staticmethod
    def resolve_is_current(obj):
        return obj.is_current()


class PositionIn(Schema):
    person_id: int
    title: str
    role: PositionRole
    organization_id: int | None = None
    joint_body_id: int | None = None
    subcommittee_id: int | None = None
    start_date: dt.date
    end_date: dt.date | None = None
    is_concurrent: bool = False


class PositionEndIn(Schema):
    end_date: dt.date | None = Field(None, description="Bỏ trống: hôm nay.")


class PositionFilters(Schema):
    q: str = Field("", description="Họ tên cán bộ, không cần dấu.")
    role: PositionRole | None = None
    status: Literal["current", "past"] | None = None
    within_id: int | None = None
    within_code: str | None = None


class RuleOut(Schema):
    id: int
    catalog_unit_id: int | None
    catalog_unit_code: str | None
    code: str
    name: str
    description: str
    mode: RuleMode
    is_active: bool
    sort_order: int

    @staticmethod
    def resolve_catalog_unit_code(obj):
        return obj.catalog_unit.code if obj.catalog_unit_id else None


class RuleUpdate(Schema):
    code: str
    name: str
    description: str = ""
    mode: RuleMode
    is_active: bool = True
    sort_order: int = 0


class RuleIn(RuleUpdate):
    catalog_unit_id: int | None = Field(None, description="Bỏ trống: danh mục riêng của tỉnh mình.")
    catalog_unit_code: str | None = None


class RuleAdoptIn(Schema):
    catalog_unit_id: int | None = Field(
        None, description="Bỏ trống: tỉnh mình (thủ trưởng cơ quan khối cấp tỉnh)."
    )
    catalog_unit_code: str | None = None


class RuleFilters(Schema):
    q: str = ""
    mode: RuleMode | None = None
    catalog: str = Field("", description="“default” (danh mục mặc định) hoặc số hiệu đơn vị của danh mục.")


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=80)


class TokenOut(Schema):
    id: int
    name: str
    key: str = Field(..., description="Chỉ hiện một lần; hệ thống chỉ lưu mã băm.")
    created_at: dt.datetime


# ---------------------------------------------------------------- units

@api.get("/units", response=answers(list[UnitOut]), tags=["units"])
@paginate(Page)
def unit_list(request, filters: Query[UnitFilters]):
    return selectors.unit_list_for_user(
        request.auth, query=filters.q, level=filters.level or "", status=filters.status or "",
        within=_within(request, filters),
    )


@api.get("/units/{int:unit_id}", response=answers(UnitDetailOut), tags=["units"])
def unit_get(request, unit_id: int):
    return _get(request, AdministrativeUnit, unit_id)


@api.post("/units", response=answers(UnitDetailOut, 201), tags=["units"])
def unit_create(request, payload: UnitIn):
    return _create(request, AdministrativeUnit, services.unit_save, payload.model_dump())


@api.patch("/units/{int:unit_id}", response=answers(UnitDetailOut), tags=["units"])
def unit_update(request, unit_id: int, payload: PatchDict[UnitIn]):
    return _update(request, AdministrativeUnit, unit_id, services.unit_save, "unit", payload)


@api.get("/organization-types", response=answers(list[OrganizationTypeOut]), tags=["organizations"])
@paginate(Page)
def organization_type_list(request):
    return OrganizationType.objects.all()


# ---------------------------------------------------------------- organizations

@api.get("/organizations", response=answers(list[OrganizationOut]), tags=["organizations"])
@paginate(Page)
def organization_list(request, filters: Query[OrganizationFilters]):
    return selectors.organization_list_for_user(
        request.auth, query=filters.q, org_type=filters.org_type or "", within=_within(request, filters)
    )


@api.get("/organizations/{int:organization_id}", response=answers(OrganizationOut), tags=["organizations"])
def organization_get(request, organization_id: int):
    return _get(request, Organization, organization_id)


@api.post("/organizations", response=answers(OrganizationOut, 201), tags=["organizations"])
def organization_create(request, payload: OrganizationIn):
    return _create(request, Organization, services.organization_save, payload.model_dump())


@api.patch("/organizations/{int:organization_id}", response=answers(OrganizationOut), tags=["organizations"])
def organization_update(request, organization_id: int, payload: PatchDict[OrganizationIn]):
    return _update(request, Organization, organization_id, services.organization_save, "organization",
                   payload)


# ---------------------------------------------------------------- joint bodies and subcommittees

@api.get("/bodies", response=answers(list[JointBodyOut]), tags=["bodies"])
@paginate(Page)
def joint_body_list(request, filters: Query[WithinFilters]):
    return selectors.joint_body_list_for_user(request.auth, query=filters.q, within=_within(request, filters))


@api.get("/bodies/{int:body_id}", response=answers(JointBodyDetailOut), tags=["bodies"])
def joint_body_get(request, body_id: int):
    return _get(request, JointBody, body_id)


@api.post("/bodies", response=answers(JointBodyDetailOut, 201), tags=["bodies"])
def joint_body_create(request, payload: JointBodyIn):
    return _create(request, JointBody, services.joint_body_save, payload.model_dump())


@api.patch("/bodies/{int:body_id}", response=answers(JointBodyDetailOut), tags=["bodies"])
def joint_body_update(request, body_id: int, payload: PatchDict[JointBodyIn]):
    return _update(request, JointBody, body_id, services.joint_body_save, "joint_body", payload)


@api.get("/bodies/{int:body_id}/chart", response=answers(ChartOut), tags=["bodies"])
def joint_body_chart(request, body_id: int):
    """The organization chart: head, deputies, staff, the four parts with their heads and members
    (and each member's organizations), and the member organizations."""
    body = _get(request, JointBody, body_id)
    chart = selectors.org_chart(body)
    return {
        "joint_body": body,
        "heads": [_chart_entry(e) for e in chart["heads"]],
        "deputies": [_chart_entry(e) for e in chart["deputies"]],
        "staff": [_chart_entry(e) for e in chart["staff"]],
        "subcommittees": [
            {**SubcommitteeOut.model_validate(s["subcommittee"]).model_dump(),
             "heads": [_chart_entry(e) for e in s["heads"]],
             "members": [_chart_entry(e) for e in s["members"]]}
            for s in chart["subcommittees"]
        ],
        "member_organizations": [_chart_org(m.organization) for m in chart["memberships"]],
    }


@api.get("/subcommittees/{int:subcommittee_id}", response=answers(SubcommitteeDetailOut), tags=["bodies"])
def subcommittee_get(request, subcommittee_id: int):
    return _get(request, Subcommittee, subcommittee_id)


@api.patch("/subcommittees/{int:subcommittee_id}", response=answers(SubcommitteeDetailOut), tags=["bodies"])
def subcommittee_update(request, subcommittee_id: int, payload: PatchDict[SubcommitteeIn]):
    return _update(request, Subcommittee, subcommittee_id, services.subcommittee_save, "subcommittee",
                   payload)


# ---------------------------------------------------------------- people and positions

@api.get("/people", response=answers(list[PersonOut]), tags=["people"])
@paginate(Page)
def person_list(request, filters: Query[PersonFilters]):
    organization = None
    if filters.organization_id is not None:
        organization = _reference(request.auth, "organization", pk=filters.organization_id, code=None,
                                  id_key="organization_id", code_key="")
    has_login = {True: "yes", False: "no", None: ""}[filters.has_login]
    return selectors.person_list_for_user(
        request.auth, query=filters.q, organization=organization, within=_within(request, filters),
        has_login=has_login,
    )


@api.get("/people/{int:person_id}", response=answers(PersonOut), tags=["people"])
def person_get(request, person_id: int):
    return _get(request, Person, person_id)


@api.post("/people", response=answers(PersonOut, 201), tags=["people"])
def person_create(request, payload: PersonIn):
    return _create(request, Person, services.person_save, payload.model_dump())


@api.patch("/people/{int:person_id}", response=answers(PersonOut), tags=["people"])
def person_update(request, person_id: int, payload: PatchDict[PersonIn]):
    return _update(request, Person, person_id, services.person_save, "person", payload)


@api.get("/positions", response=answers(list[PositionOut]), tags=["people"])
@paginate(Page)
def position_list(request, filters: Query[PositionFilters]):
    return selectors.position_list_for_user(
        request.auth, query=filters.q, role=filters.role or "", status=filters.status or "",
        within=_within(request, filters),
    )


@api.post("/positions", response=answers(PositionOut, 201), tags=["people"])
def position_create(request, payload: PositionIn):
    return _create(request, Position, services.position_save, payload.model_dump())


@api.patch("/positions/{int:position_id}", response=answers(PositionOut), tags=["people"])
def position_update(request, position_id: int, payload: PatchDict[PositionIn]):
    return _update(request, Position, position_id, services.position_save, "position", payload)


@api.post("/positions/{int:position_id}/end", response=answers(PositionOut), tags=["people"])
def position_end(request, position_id: int, payload: PositionEndIn):
    """End a position (today, or on the given date)."""
    return _update(request, Position, position_id, services.position_end, "position", payload.model_dump())


# ---------------------------------------------------------------- coordination rules

def _catalog_unit(request, data: dict) -> AdministrativeUnit | None:
    """The catalog named in the payload, or the user's own province; it must be a root unit."""
    if data.get("catalog_unit_id") is None and not data.get("catalog_unit_code"):
        return access.own_catalog_root(request.auth)
    id_key, code_key = "catalog_unit_id", "catalog_unit_code"
    unit = _reference(request.auth, "catalog_unit", pk=data.get(id_key), code=data.get(code_key),
                      id_key=id_key, code_key=code_key)
    if unit.parent_id is not None:
        raise ValidationError({"catalog_unit": _("Danh mục quy tắc chỉ lập cho đơn vị cấp cao nhất "
                                                 "(tỉnh, thành phố).")})
    return unit


@api.get("/rules", response=answers(list[RuleOut]), tags=["rules"])
@paginate(Page)
def rule_list(request, filters: Query[RuleFilters]):
    return selectors.rule_list_for_user(
        request.auth, query=filters.q, mode=filters.mode or "", catalog=filters.catalog
    )


@api.get("/rules/{int:rule_id}", response=answers(RuleOut), tags=["rules"])
def rule_get(request, rule_id: int):
    return _get(request, CoordinationRule, rule_id)


@api.post("/rules", response=answers(RuleOut, 201), tags=["rules"])
def rule_create(request, payload: RuleIn):
    """A rule in a province's own catalog (by default the user's province; an administrator
    without one adds to the shipped default catalog)."""
    data = payload.model_dump(exclude={"catalog_unit_id", "catalog_unit_code"})
    if not access.can_create(request.auth, CoordinationRule):
        raise PermissionDenied
    data["catalog_unit"] = _catalog_unit(request, payload.model_dump())
    return Status(201, _get(request, CoordinationRule, services.rule_save(actor=request.auth, **data).pk))


@api.patch("/rules/{int:rule_id}", response=answers(RuleOut), tags=["rules"])
def rule_update(request, rule_id: int, payload: PatchDict[RuleUpdate]):
    return _update(request, CoordinationRule, rule_id, services.rule_save, "rule", payload)


@api.post("/rules/adopt", response=answers(list[RuleOut]), tags=["rules"])
def rule_catalog_adopt(request, payload: RuleAdoptIn | None = None):
    """Copy the default catalog into the province's own catalog, to adapt it. Idempotent."""
    root = _catalog_unit(request, payload.model_dump() if payload else {})
    if root is None:
        raise PermissionDenied(_("Chỉ thủ trưởng cơ quan khối cấp tỉnh mới lập được danh mục "
                                 "riêng của tỉnh."))
    # The service returns an existing catalog before checking anything: check here too.
    access.ensure(request.auth, access.CHANGE, CoordinationRule(catalog_unit=root))
    rules = services.rule_catalog_adopt(actor=request.auth, catalog_unit=root)
    return selectors.rule_list_for_user(request.auth).filter(pk__in=[r.pk for r in rules])


# ---------------------------------------------------------------- tokens

@api.post("/tokens", response=answers(TokenOut, 201), auth=[session_auth], tags=["tokens"])
def token_issue(request, payload: TokenIn):
    """A new API token for the logged-in user (session only: a token cannot mint tokens).
    The key is shown in this answer only."""
    token, key = services.api_token_issue(actor=request.auth, name=payload.name)
    return Status(201, {"id": token.pk, "name": token.name, "key": key, "created_at": token.created_at})
