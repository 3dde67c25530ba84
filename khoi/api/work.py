"""The joint work programme (issue 3): programmes, their activities, overlaps between the
activities of different organizations, and the tasks the head and the subcommittee heads give.

The same rules as the UI: lists from programme/selectors.py and subcommittees/selectors.py,
one object through ``access.get_for_user_or_404``, every write through programme/services.py
or subcommittees/services.py. An organization's own instance of a matter the body runs jointly
("9 chung") answers 409 with ``"code": "shared_matter"`` and the joint activity, so that an
integration can offer to join it instead (``POST /activities/{id}/join``).
"""

import datetime as dt
import html
import re
from contextlib import contextmanager
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Prefetch, Q, QuerySet
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from ninja import Field, PatchDict, Query, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from khoi import access
from khoi.api.base import DETAIL_QUERYSETS, Page, _get, answers, api
from khoi.forms import UnitCodeField
from khoi.models import (
    AdministrativeUnit,
    CoordinationRule,
    JointBody,
    Organization,
    Person,
    RuleMode,
    Subcommittee,
)
from khoi.selectors import rule_catalog_for_unit
from programme import selectors as programme_selectors
from programme import services as programme_services
from programme.models import Activity, ActivityStatus, Overlap, OverlapStatus, TargetGroup, WorkProgramme
from subcommittees import selectors as task_selectors
from subcommittees import services as task_services
from subcommittees.models import Task, TaskStatus


def _activities(qs: QuerySet) -> QuerySet:
    """What ActivityOut reads, in a fixed number of queries (participants' ids, areas' codes,
    the exception)."""
    return qs.select_related("rule", "shared_exception").prefetch_related(None).prefetch_related(
        Prefetch("participants", queryset=Organization.objects.only("pk").order_by("pk")),
        Prefetch("areas", queryset=AdministrativeUnit.objects.only("pk", "code").order_by("code")),
    )


DETAIL_QUERYSETS.update({
    WorkProgramme: programme_selectors.programme_list_for_user,
    Activity: lambda user: _activities(programme_selectors.activity_list_for_user(user, include_merged=True)),
    Overlap: lambda user: programme_selectors.overlap_list_for_user(user, status=""),
    Task: lambda user: task_selectors.task_list_for_user(user),
})

TAGS_PROGRAMME, TAGS_OVERLAPS, TAGS_TASKS = ["programme"], ["overlaps"], ["tasks"]

# The model fields a service names in its errors → the payload's keys.
PAYLOAD_NAMES = {
    "programme": "programme_id", "rule": "rule_id", "owner": "owner_id", "subcommittee": "subcommittee_id",
    "participants": "participant_ids", "areas": "area_codes", "joint_body": "joint_body_id",
    "activity": "activity_id", "assignee": "assignee_id",
}


@contextmanager
def _payload_names(**renames: str):
    """A service's field errors under the names the payload uses (``rule`` → ``rule_id``)."""
    try:
        yield
    except programme_services.SharedMatterConflict:
        raise
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        names = {**PAYLOAD_NAMES, **renames}
        raise ValidationError({names.get(field, field): errors for field, errors in error.error_dict.items()}) from None


def _in_reach(user, model_or_qs, pk: int | None, key: str, errors: dict) -> Model | None:
    """One referenced object the user may see; the error goes into ``errors`` under ``key``."""
    if pk is None:
        return None
    found = access.restrict(model_or_qs, user).filter(pk=pk).first()
    if found is None:
        model = model_or_qs.model if isinstance(model_or_qs, QuerySet) else model_or_qs
        errors[key] = _("Không tìm thấy %(model)s số %(pk)s trong phạm vi của bạn.") % {
            "model": model._meta.verbose_name, "pk": pk}
    return found


def _all_in_reach(user, model: type[Model], pks: list[int], key: str, errors: dict) -> list:
    found = list(access.restrict(model, user).filter(pk__in=pks))
    missing = sorted(set(pks) - {o.pk for o in found})
    if missing:
        errors[key] = _("Không tìm thấy %(model)s số %(ids)s trong phạm vi của bạn.") % {
            "model": model._meta.verbose_name, "ids": ", ".join(map(str, missing))}
    return found


def _value(choice):
    """A TextChoices member (as pydantic gives it) → the stored string."""
    return getattr(choice, "value", choice)


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------- schemas

class ProgrammeOut(Schema):
    id: int
    joint_body_id: int
    joint_body_name: str
    unit_id: int
    unit_code: str
    year: int
    title: str

    @staticmethod
    def resolve_joint_body_name(obj):
        return obj.joint_body.name

    @staticmethod
    def resolve_unit_id(obj):
        return obj.joint_body.unit_id

    @staticmethod
    def resolve_unit_code(obj):
        return obj.joint_body.unit.code


class ProgrammeIn(Schema):
    joint_body_id: int
    year: int = Field(..., description="Từ 2000 đến 2100.")


class ProgrammeFilters(Schema):
    joint_body_id: int | None = None
    year: int | None = None


class ExceptionOut(Schema):
    reason: str
    joint_activity_id: int
    approved_at: dt.datetime


class ActivityOut(Schema):
    id: int
    programme_id: int
    title: str
    content: str
    tags: list[str]
    target_groups: list[str]
    rule_id: int
    rule_code: str
    rule_name: str
    rule_mode: RuleMode
    owner_id: int | None = Field(..., description="Trống: hoạt động chung của cơ quan khối.")
    is_joint: bool
    subcommittee_id: int | None
    participant_ids: list[int]
    area_ids: list[int]
    area_codes: list[str]
    start_date: dt.date
    end_date: dt.date
    status: ActivityStatus
    result_notes: str
    merged_into_id: int | None = Field(..., description="Đã gộp vào hoạt động chung này (sau khi xử lý trùng lặp).")
    exception: ExceptionOut | None = Field(
        ..., description="Thủ trưởng cho phép tổ chức tự tổ chức việc chung này: lý do và hoạt động chung liên quan.")
    created_at: dt.datetime

    @staticmethod
    def resolve_rule_code(obj):
        return obj.rule.code

    @staticmethod
    def resolve_rule_name(obj):
        return obj.rule.name

    @staticmethod
    def resolve_rule_mode(obj):
        return obj.rule.mode

    @staticmethod
    def resolve_participant_ids(obj):
        return sorted(o.pk for o in obj.participants.all())

    @staticmethod
    def resolve_area_ids(obj):
        return [u.pk for u in obj.areas.all()]

    @staticmethod
    def resolve_area_codes(obj):
        return [u.code for u in obj.areas.all()]

    @staticmethod
    def resolve_exception(obj):
        return getattr(obj, "shared_exception", None)


class ActivityFields(Schema):
    title: str
    content: str = ""
    tags: list[str] = Field([], description="Chủ đề, ví dụ [\"an toàn giao thông\"].")
    target_groups: list[TargetGroup] = Field([], description="Để trống: mọi người trên địa bàn.")
    rule_id: int = Field(..., description="Một quy tắc trong danh mục đang áp dụng của địa phương (GET /rules).")
    owner_id: int | None = Field(None, description="Tổ chức chủ trì riêng; để trống: hoạt động chung của cơ quan khối.")
    subcommittee_id: int | None = None
    participant_ids: list[int] = Field(
        [], description="Tổ chức tham gia; hoạt động chung để trống là tất cả tổ chức thành viên.")
    area_ids: list[int] = Field([], description="Địa bàn (số hiệu); cùng với area_codes.")
    area_codes: list[str] = Field([], description="Địa bàn (mã đơn vị); để trống cả hai: toàn địa bàn của cơ quan khối.")
    start_date: dt.date
    end_date: dt.date
    status: ActivityStatus = ActivityStatus.PLANNED
    result_notes: str = ""
    exception_reason: str = Field(
        "", description="Chỉ thủ trưởng: cho phép một tổ chức tự tổ chức một việc chung, kèm lý do.")


class ActivityIn(ActivityFields):
    programme_id: int


class ActivityFilters(Schema):
    programme_id: int | None = None
    q: str = Field("", description="Tên hoạt động, không cần dấu.")
    organization_id: int | None = Field(None, description="Tổ chức chủ trì hoặc tham gia.")
    subcommittee_id: int | None = None
    rule: str = Field("", description="“shared” (việc chung), “separate” (việc riêng) hoặc số hiệu một quy tắc.")
    status: ActivityStatus | None = None
    date_from: dt.date | None = Field(None, description="Các hoạt động chưa kết thúc trước ngày này.")
    date_to: dt.date | None = Field(None, description="Các hoạt động bắt đầu không sau ngày này.")
    include_merged: bool = Field(False, description="Cả các hoạt động đã gộp vào hoạt động chung khác.")


class JointActivityOut(Schema):
    id: int
    title: str
    url: str


class SharedMatterOut(Schema):
    detail: str
    code: Literal["shared_matter"] | None = Field(
        None, description="“shared_matter”: tổ chức hãy tham gia hoạt động chung (POST /activities/{id}/join).")
    joint_activity: JointActivityOut | None = None


class JoinIn(Schema):
    organization_id: int


class ActivityBriefOut(Schema):
    id: int
    title: str
    owner_id: int | None
    rule_code: str
    start_date: dt.date
    end_date: dt.date
    status: ActivityStatus

    @staticmethod
    def resolve_rule_code(obj):
        return obj.rule.code


class OverlapOut(Schema):
    id: int
    programme_id: int
    first: ActivityBriefOut
    second: ActivityBriefOut
    reasons: list[str]
    reason_labels: list[str]
    status: OverlapStatus
    resolution: str
    resolved_at: dt.datetime | None
    detected_at: dt.datetime

    @staticmethod
    def resolve_programme_id(obj):
        return obj.first.programme_id

    @staticmethod
    def resolve_reason_labels(obj):
        return [str(label) for label in obj.reason_labels()]


class OverlapFilters(Schema):
    status: Literal["open", "merged", "kept", "moved", "all"] = "open"
    programme_id: int | None = None


class MergeIn(Schema):
    rule_id: int = Field(..., description="Một quy tắc “chung” trong danh mục của địa phương.")
    title: str = Field("", description="Tên hoạt động chung; để trống: giữ tên hoạt động thứ nhất.")


class KeepIn(Schema):
    reason: str


class MoveIn(Schema):
    activity_id: int = Field(..., description="Một trong hai hoạt động trùng.")
    start_date: dt.date
    end_date: dt.date


class TaskOut(Schema):
    id: int
    joint_body_id: int
    subcommittee_id: int | None
    activity_id: int | None
    title: str
    description: str
    assignee_id: int
    assignee_name: str
    due_date: dt.date
    status: TaskStatus
    result: str
    is_overdue: bool
    created_at: dt.datetime
    done_at: dt.datetime | None

    @staticmethod
    def resolve_assignee_name(obj):
        return obj.assignee.full_name


class TaskIn(Schema):
    joint_body_id: int
    subcommittee_id: int | None = Field(None, description="Bộ phận giao việc (trưởng tiểu ban giao trong tiểu ban mình).")
    activity_id: int | None = None
    title: str
    description: str = ""
    assignee_id: int = Field(..., description="Người thực hiện: cán bộ của cơ quan khối hoặc một tổ chức thành viên.")
    due_date: dt.date


class TaskUpdate(TaskIn):
    status: TaskStatus | None = Field(None, description="Người giao việc đổi trạng thái (người thực hiện: "
                                                        "POST /tasks/{id}/status).")


class TaskStatusIn(Schema):
    status: TaskStatus
    result: str = Field("", description="Kết quả, ghi chú; để trống: giữ nguyên.")


class TaskFilters(Schema):
    q: str = ""
    scope: Literal["mine", "given"] | None = Field(None, description="“mine”: việc của tôi, “given”: việc tôi giao.")
    status: Literal["todo", "in_progress", "done", "cancelled", "open"] | None = Field(
        None, description="“open”: chưa xong (chưa làm hoặc đang làm).")
    overdue: bool = False
    activity_id: int | None = None


# ---------------------------------------------------------------- programmes

@api.get("/programmes", response=answers(list[ProgrammeOut]), tags=TAGS_PROGRAMME)
@paginate(Page)
def programme_list(request, filters: Query[ProgrammeFilters]):
    qs = programme_selectors.programme_list_for_user(request.auth)
    if filters.joint_body_id is not None:
        qs = qs.filter(joint_body_id=filters.joint_body_id)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    return qs


@api.get("/programmes/{int:programme_id}", response=answers(ProgrammeOut), tags=TAGS_PROGRAMME)
def programme_get(request, programme_id: int):
    return _get(request, WorkProgramme, programme_id)


@api.post("/programmes", response=answers(ProgrammeOut, 201, also={200: ProgrammeOut}), tags=TAGS_PROGRAMME)
def programme_create(request, payload: ProgrammeIn):
    """A joint body's programme for a year (the body's head): 201 when made, 200 when it exists."""
    user = request.auth
    if not access.can_create(user, WorkProgramme):
        raise PermissionDenied
    errors: dict = {}
    body = _in_reach(user, JointBody, payload.joint_body_id, "joint_body_id", errors)
    if not 2000 <= payload.year <= 2100:
        errors["year"] = _("Năm phải từ 2000 đến 2100.")
    _raise(errors)
    # The service returns an existing programme before checking anything: check here too.
    access.ensure(user, access.CHANGE, WorkProgramme(joint_body=body, year=payload.year))
    existed = WorkProgramme.objects.filter(joint_body=body, year=payload.year).exists()
    programme = programme_services.programme_get_or_create(actor=user, joint_body=body, year=payload.year)
    return Status(200 if existed else 201, _get(request, WorkProgramme, programme.pk))


# ---------------------------------------------------------------- activities

def _activity_kwargs(user, programme: WorkProgramme, data: dict, current: Activity | None) -> dict:
    """Payload → activity_save's keyword arguments. Areas and participants not given keep their
    current values (the service replaces both)."""
    errors: dict = {}
    fields = {name: data[name] for name in ("title", "content", "start_date", "end_date", "result_notes")
              if name in data}
    if "tags" in data:
        fields["tags"] = list(data["tags"] or [])
    if "target_groups" in data:
        fields["target_groups"] = [_value(t) for t in data["target_groups"] or []]
    if "status" in data:
        fields["status"] = _value(data["status"])
    if "rule_id" in data:
        if data["rule_id"] is None:
            errors["rule_id"] = _("Hãy chọn quy tắc phối hợp.")
        else:
            fields["rule"] = _in_reach(user, CoordinationRule, data["rule_id"], "rule_id", errors)
    if "owner_id" in data:
        fields["owner"] = _in_reach(user, Organization, data["owner_id"], "owner_id", errors)
    if "subcommittee_id" in data:
        fields["subcommittee"] = _in_reach(user, Subcommittee, data["subcommittee_id"], "subcommittee_id", errors)
    if "participant_ids" in data:
        participants = _all_in_reach(user, Organization, data["participant_ids"] or [], "participant_ids", errors)
    else:
        participants = list(current.participants.all()) if current else []
    if "area_ids" in data or "area_codes" in data:
        areas = _all_in_reach(user, AdministrativeUnit, data.get("area_ids") or [], "area_ids", errors)
        for code in data.get("area_codes") or []:
            try:
                areas.append(UnitCodeField(user=user).clean(code))
            except ValidationError as error:
                errors.setdefault("area_codes", []).extend(error.messages)
        areas = list({u.pk: u for u in areas if u is not None}.values())
    else:
        areas = list(current.areas.all()) if current else []
    _raise(errors)
    return {**fields, "participants": participants, "areas": areas,
            "exception_reason": data.get("exception_reason") or ""}


def _save_activity(user, programme: WorkProgramme, activity: Activity | None, data: dict) -> Activity:
    kwargs = _activity_kwargs(user, programme, data, activity)
    areas_key = "area_ids" if "area_ids" in data and not data.get("area_codes") else "area_codes"
    try:
        with _payload_names(areas=areas_key):
            return programme_services.activity_save(actor=user, programme=programme, activity=activity, **kwargs)
    except PermissionDenied as denied:
        if str(denied):
            raise
        raise PermissionDenied(_("Bạn không có quyền lập hoạt động này (việc chung do thủ trưởng, trưởng tiểu ban "
                                 "lập; việc riêng do cán bộ của chính tổ chức đó lập).")) from None


def _plain(conflict: programme_services.SharedMatterConflict) -> str:
    """The service's message (HTML, with a link to the joint activity) as plain text."""
    message = " ".join(str(m) for m in conflict.messages)
    message = re.sub(r"<a\b[^>]*>(.*?)</a>", r"“\1”", message, flags=re.DOTALL)
    return html.unescape(strip_tags(message))


@api.exception_handler(programme_services.SharedMatterConflict)
def _shared_matter(request, exc: programme_services.SharedMatterConflict):
    joint = exc.joint
    return api.create_response(request, {
        "detail": _plain(exc),
        "code": "shared_matter",
        "joint_activity": {"id": joint.pk, "title": joint.title,
                           "url": request.build_absolute_uri(joint.get_absolute_url())},
    }, status=409)


ACTIVITY_WRITE = {409: SharedMatterOut}


@api.get("/activities", response=answers(list[ActivityOut]), tags=TAGS_PROGRAMME)
@paginate(Page)
def activity_list(request, filters: Query[ActivityFilters]):
    user = request.auth
    errors: dict = {}
    programme = _in_reach(user, WorkProgramme, filters.programme_id, "programme_id", errors)
    organization = _in_reach(user, Organization, filters.organization_id, "organization_id", errors)
    if filters.rule and not (filters.rule.isdigit() or filters.rule in ("shared", "separate")):
        errors["rule"] = _("Hãy nhập “shared”, “separate” hoặc số hiệu một quy tắc.")
    _raise(errors)
    sub = str(filters.subcommittee_id) if filters.subcommittee_id is not None else ""
    return _activities(programme_selectors.activity_list_for_user(
        user, programme=programme, query=filters.q, organization=organization, subcommittee=sub, rule=filters.rule,
        status=_value(filters.status) or "", date_from=filters.date_from, date_to=filters.date_to,
        include_merged=filters.include_merged,
    ))


@api.get("/activities/{int:activity_id}", response=answers(ActivityOut), tags=TAGS_PROGRAMME)
def activity_get(request, activity_id: int):
    return _get(request, Activity, activity_id)


@api.post("/activities", response=answers(ActivityOut, 201, also=ACTIVITY_WRITE), tags=TAGS_PROGRAMME)
def activity_create(request, payload: ActivityIn):
    """A joint activity (the head; a subcommittee head for their part) or an organization's own
    (its staff). An organization's own instance of a shared matter that the body already runs
    answers 409 ``shared_matter`` with the joint activity: join it (POST /activities/{id}/join);
    only the head may allow an exception, with ``exception_reason``."""
    user = request.auth
    if not access.can_create(user, Activity):
        raise PermissionDenied
    data = payload.model_dump()
    errors: dict = {}
    programme = _in_reach(user, WorkProgramme.objects.select_related("joint_body__unit"), data.pop("programme_id"),
                          "programme_id", errors)
    _raise(errors)
    if not programme_services.can_add_activity(user, programme):
        raise PermissionDenied
    activity = _save_activity(user, programme, None, data)
    return Status(201, _get(request, Activity, activity.pk))


@api.patch("/activities/{int:activity_id}", response=answers(ActivityOut, also=ACTIVITY_WRITE), tags=TAGS_PROGRAMME)
def activity_update(request, activity_id: int, payload: PatchDict[ActivityFields]):
    """Change an activity; fields not sent keep their values (areas and participants too)."""
    user = request.auth
    activity = access.get_for_user_or_404(
        user, access.CHANGE, Activity.objects.select_related("programme__joint_body__unit", "rule", "owner"),
        pk=activity_id)
    _save_activity(user, activity.programme, activity, dict(payload))
    return _get(request, Activity, activity_id)


@api.post("/activities/{int:activity_id}/join", response=answers(ActivityOut), tags=TAGS_PROGRAMME)
def activity_join(request, activity_id: int, payload: JoinIn):
    """An organization takes part in a joint activity (instead of holding its own): its staff."""
    user = request.auth
    joint = access.get_for_user_or_404(user, access.VIEW, Activity.objects.select_related("programme", "rule"),
                                       pk=activity_id)
    errors: dict = {}
    organization = _in_reach(user, Organization, payload.organization_id, "organization_id", errors)
    if organization is not None and not joint.programme.joint_body.memberships.filter(
            organization=organization).exists():
        errors["organization_id"] = _("Tổ chức tham gia phải là thành viên của cơ quan khối.")
    _raise(errors)
    programme_services.activity_join(actor=user, joint=joint, organization=organization)
    return _get(request, Activity, activity_id)


# ---------------------------------------------------------------- overlaps

def _overlap(request, overlap_id: int) -> Overlap:
    """An overlap the user may resolve (the body's head): 404 out of reach, 403 when only visible."""
    return access.get_for_user_or_404(
        request.auth, access.CHANGE,
        Overlap.objects.select_related("first__programme__joint_body__unit", "first__rule", "second__rule"),
        pk=overlap_id)


@api.get("/overlaps", response=answers(list[OverlapOut]), tags=TAGS_OVERLAPS)
@paginate(Page)
def overlap_list(request, filters: Query[OverlapFilters]):
    """Look-alike activities of different organizations (open ones unless ``status`` says otherwise)."""
    errors: dict = {}
    programme = _in_reach(request.auth, WorkProgramme, filters.programme_id, "programme_id", errors)
    _raise(errors)
    qs = programme_selectors.overlap_list_for_user(request.auth, status="" if filters.status == "all" else filters.status)
    return qs.filter(first__programme=programme) if programme is not None else qs


@api.post("/overlaps/{int:overlap_id}/merge", response=answers(ActivityOut), tags=TAGS_OVERLAPS)
def overlap_merge(request, overlap_id: int, payload: MergeIn):
    """Merge the two activities into one joint activity; both organizations take part. Answers
    the joint activity."""
    overlap = _overlap(request, overlap_id)
    catalog = rule_catalog_for_unit(overlap.first.programme.joint_body.unit)
    rule = catalog.filter(pk=payload.rule_id, is_active=True).first()
    if rule is None:
        raise ValidationError({"rule_id": _("Hãy chọn một quy tắc trong danh mục đang áp dụng của địa phương.")})
    with _payload_names():
        merged = programme_services.overlap_merge(actor=request.auth, overlap=overlap, rule=rule, title=payload.title)
    return _get(request, Activity, merged.pk)


@api.post("/overlaps/{int:overlap_id}/keep", response=answers(OverlapOut), tags=TAGS_OVERLAPS)
def overlap_keep(request, overlap_id: int, payload: KeepIn):
    """Keep both activities, with the reason."""
    overlap = _overlap(request, overlap_id)
    programme_services.overlap_keep(actor=request.auth, overlap=overlap, reason=payload.reason)
    return _get(request, Overlap, overlap_id)


@api.post("/overlaps/{int:overlap_id}/move", response=answers(OverlapOut), tags=TAGS_OVERLAPS)
def overlap_move(request, overlap_id: int, payload: MoveIn):
    """Move one of the two activities to dates where they no longer clash."""
    overlap = _overlap(request, overlap_id)
    activity = {overlap.first_id: overlap.first, overlap.second_id: overlap.second}.get(payload.activity_id)
    if activity is None:
        raise ValidationError({"activity_id": _("Chỉ dời được một trong hai hoạt động trùng.")})
    programme_services.overlap_move(actor=request.auth, overlap=overlap, activity=activity,
                                    start_date=payload.start_date, end_date=payload.end_date)
    return _get(request, Overlap, overlap_id)


# ---------------------------------------------------------------- tasks

def _task_kwargs(user, data: dict, current: Task | None) -> dict:
    """Payload → task_save's keyword arguments; what a change does not send keeps its value."""
    errors: dict = {}
    kwargs = {
        "joint_body": current.joint_body if current else None,
        "subcommittee": current.subcommittee if current else None,
        "activity": current.activity if current else None,
        "title": current.title if current else "",
        "description": current.description if current else "",
        "assignee": current.assignee if current else None,
        "due_date": current.due_date if current else None,
    }
    for name in ("title", "description", "due_date"):
        if name in data:
            kwargs[name] = data[name]
    if data.get("status") is not None:
        kwargs["status"] = _value(data["status"])
    for name, queryset in (("joint_body", JointBody), ("subcommittee", Subcommittee),
                           ("activity", Activity.objects.select_related("programme"))):
        if f"{name}_id" in data:
            kwargs[name] = _in_reach(user, queryset, data[f"{name}_id"], f"{name}_id", errors)
    if "assignee_id" in data:
        # people in the user's reach, and whoever may receive a task in the body (as the form offers)
        people = Q(pk__in=access.restrict(Person, user).values("pk"))
        if kwargs["joint_body"] is not None:
            people |= Q(pk__in=task_services.assignable_people(kwargs["joint_body"]).values("pk"))
        kwargs["assignee"] = Person.objects.filter(people, pk=data["assignee_id"]).first()
        if kwargs["assignee"] is None:
            errors["assignee_id"] = _("Không tìm thấy người số %(pk)s trong phạm vi của bạn.") % {
                "pk": data["assignee_id"]}
    for name in ("joint_body", "assignee", "title", "due_date"):
        if kwargs[name] in (None, "") and f"{name}_id" not in errors:
            errors.setdefault(f"{name}_id" if name in ("joint_body", "assignee") else name,
                              _("Trường này là bắt buộc."))
    _raise(errors)
    return kwargs


@api.get("/tasks", response=answers(list[TaskOut]), tags=TAGS_TASKS)
@paginate(Page)
def task_list(request, filters: Query[TaskFilters]):
    errors: dict = {}
    activity = _in_reach(request.auth, Activity, filters.activity_id, "activity_id", errors)
    _raise(errors)
    return task_selectors.task_list_for_user(
        request.auth, query=filters.q, scope=filters.scope or "", status=filters.status or "",
        overdue="yes" if filters.overdue else "", activity=activity,
    )


@api.get("/tasks/{int:task_id}", response=answers(TaskOut), tags=TAGS_TASKS)
def task_get(request, task_id: int):
    return _get(request, Task, task_id)


@api.post("/tasks", response=answers(TaskOut, 201), tags=TAGS_TASKS)
def task_create(request, payload: TaskIn):
    """Give a task (the head in the whole body, a subcommittee head in their part); the assignee
    is notified."""
    user = request.auth
    if not access.can_create(user, Task):
        raise PermissionDenied
    kwargs = _task_kwargs(user, payload.model_dump(), None)
    with _payload_names():
        task = task_services.task_save(actor=user, **kwargs)
    return Status(201, _get(request, Task, task.pk))


@api.patch("/tasks/{int:task_id}", response=answers(TaskOut), tags=TAGS_TASKS)
def task_update(request, task_id: int, payload: PatchDict[TaskUpdate]):
    user = request.auth
    task = access.get_for_user_or_404(
        user, access.CHANGE, Task.objects.select_related("joint_body", "subcommittee", "activity", "assignee"),
        pk=task_id)
    kwargs = _task_kwargs(user, dict(payload), task)
    with _payload_names():
        task_services.task_save(actor=user, task=task, **kwargs)
    return _get(request, Task, task_id)


@api.post("/tasks/{int:task_id}/status", response=answers(TaskOut), tags=TAGS_TASKS)
def task_set_status(request, task_id: int, payload: TaskStatusIn):
    """Report progress: the assignee, or whoever manages the task."""
    task = access.get_for_user_or_404(request.auth, access.VIEW,
                                      Task.objects.select_related("assignee", "assigned_by"), pk=task_id)
    task_services.task_set_status(actor=request.auth, task=task, status=_value(payload.status),
                                  result=payload.result)
    return _get(request, Task, task_id)

