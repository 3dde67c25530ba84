"""Joint periodic reports (issue 5): reporting periods, the indicator catalog, organizations'
submissions of figures and their workflow, the joint report, its builds and their files.

The same rules as the UI (reports/submission_views.py, reports/report_views.py): lists from
reports/selectors.py and ``reporting.report_list_for_user``, one object through
``access.get_for_user_or_404``, every write through reports/services.py or reports/reporting.py.

Submissions: an organization's staff open the submission of a period (``POST /submissions``,
201 new draft, 200 when it exists), type figures (``PATCH /submissions/{id}/figures``: a wrong
value answers 422 with one error per indicator, ``loc`` ``["body", "values", "<code>"]``, and
stores nothing) and submit them; the organization's head or deputy approves or returns them
with a comment; a correction after approval is a new revision.

Reports: the joint body's head, deputy and office write the narrative and request a build
(``POST /reports/{id}/build``: 202 while it is pending or running, 200 when the same content was
built already; the same request twice gives the same build). ``GET /report-builds/{id}`` is what
a client polls: status, progress, stage, and the files once done, each downloaded through
``GET /report-builds/{id}/files/{format}`` (session or bearer token; never a public media URL).
The provincial board returns a built report with a comment.
"""

import datetime as dt
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, PatchDict, Query, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from khoi import access
from khoi.api.base import ErrorOut, Page, ValidationErrorOut, _reference, answers, api
from khoi.models import AdministrativeUnit, JointBody, Organization
from reports import periods, reporting, selectors, services
from reports.models import (
    Aggregation,
    BuildStatus,
    FileFormat,
    Indicator,
    Period,
    PeriodKind,
    Report,
    ReportBuild,
    ReportFile,
    ReportStatus,
    ReportTemplate,
    Submission,
    SubmissionStatus,
    ValueType,
)
from reports.report_views import CONTENT_TYPES, download_name

TAGS_PERIODS, TAGS_INDICATORS = ["periods"], ["indicators"]
TAGS_SUBMISSIONS, TAGS_REPORTS = ["submissions"], ["reports"]


# ---------------------------------------------------------------- helpers

def _value(choice):
    """A TextChoices member (as pydantic gives it) → the stored string."""
    return getattr(choice, "value", choice)


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _number(value) -> float | None:
    return None if value is None else float(value)


def _who(user) -> str | None:
    """A user as people know them: their person's name, else the login."""
    if user is None:
        return None
    person = getattr(user, "person", None)
    return person.full_name if person is not None else user.get_username()


def _unit_filter(request, unit_id: int | None, unit_code: str | None) -> AdministrativeUnit | None:
    """The ``unit_id`` / ``unit_code`` filter: a unit inside the user's reach (422 otherwise)."""
    return _reference(request.auth, "unit", pk=unit_id, code=unit_code, id_key="unit_id", code_key="unit_code")


def _in_reach(user, model_or_qs, pk: int, key: str, errors: dict):
    found = access.restrict(model_or_qs, user).filter(pk=pk).first()
    if found is None:
        model = model_or_qs.model if isinstance(model_or_qs, QuerySet) else model_or_qs
        errors[key] = _("Không tìm thấy %(model)s số %(pk)s trong phạm vi của bạn.") % {
            "model": model._meta.verbose_name, "pk": pk}
    return found


@contextmanager
def _renamed(**names: str):
    """A service's field errors under the names the payload uses (``code`` → ``period_code``)."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError({names.get(field, field): errors for field, errors in error.error_dict.items()}) from None


def _figure_errors(error: ValidationError, loc: list[str]) -> Status:
    """The services' errors by indicator code → 422, one entry per message under ``loc + [code]``."""
    if not hasattr(error, "error_dict"):
        raise error
    return Status(422, {"detail": [{"loc": [*loc, code], "msg": message, "type": "value_error"}
                                   for code, messages in error.message_dict.items() for message in messages]})


# ---------------------------------------------------------------- periods

def _period_scope(user) -> Q | None:
    """The periods of the templates the user's reach uses (their provinces' own, else the shipped
    default); None when the user reaches nothing."""
    if access.is_admin(user):
        return Q()
    roots = {g.root_id for g in access.grants(user)}
    if not roots:
        return None
    own = dict(ReportTemplate.objects.filter(province_id__in=roots).values_list("province_id", "pk"))
    scope = Q(template_id__in=set(own.values()))
    if roots - set(own):
        scope |= Q(template__province__isnull=True)
    return scope


class PeriodOut(Schema):
    id: int
    template_id: int
    code: str = Field(..., description="Ví dụ 2024-10 (tháng), 2024-Q4, 2024-H1, 2024-9M, 2024-Y, 2024-W05.")
    kind: PeriodKind
    label: str
    year: int
    start: dt.date
    end: dt.date
    deadline: dt.date = Field(..., description="Hạn nộp số liệu của kỳ.")

    @staticmethod
    def resolve_label(obj):
        return periods.label(obj.code)


class PeriodFilters(Schema):
    kind: PeriodKind | None = None
    year: int | None = None
    code: str = ""
    unit_id: int | None = None
    unit_code: str | None = Field(None, description="Các kỳ theo mẫu báo cáo của tỉnh có đơn vị này.")


@api.get("/periods", response=answers(list[PeriodOut]), tags=TAGS_PERIODS)
@paginate(Page)
def period_list(request, filters: Query[PeriodFilters]):
    """Reporting periods in use (created when first used), newest first: those of the report
    template of a unit in the user's reach, or of every template the user's reach uses."""
    scope = _period_scope(request.auth)
    if scope is None:
        return Period.objects.none()
    qs = Period.objects.filter(scope)
    unit = _unit_filter(request, filters.unit_id, filters.unit_code)
    if unit is not None:
        qs = qs.filter(template=selectors.template_for(unit))
    if filters.kind:
        qs = qs.filter(kind=_value(filters.kind))
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.code.strip():
        qs = qs.filter(code=filters.code.strip().upper())
    return qs.order_by("-start", "kind", "pk")


@api.get("/periods/{int:period_id}", response=answers(PeriodOut), tags=TAGS_PERIODS)
def period_get(request, period_id: int):
    scope = _period_scope(request.auth)
    period = Period.objects.filter(scope, pk=period_id).first() if scope is not None else None
    if period is None:
        raise Http404
    return period


# ---------------------------------------------------------------- indicators

class IndicatorOut(Schema):
    id: int
    catalog_unit_id: int | None = Field(..., description="Trống: danh mục mặc định.")
    catalog_unit_code: str | None
    code: str
    name: str
    group: str
    unit_label: str
    value_type: ValueType
    aggregation: Aggregation
    numerator_code: str | None
    denominator_code: str | None
    not_above_code: str | None = Field(..., description="Không được lớn hơn chỉ tiêu này (cùng một kỳ).")
    reported_by: list[str] = Field(..., description="Mã loại tổ chức báo cáo; rỗng: tất cả.")
    is_shared: bool
    auto_source: str = Field(..., description="Phần mềm tự đếm từ nguồn này; không nhập.")
    is_typed: bool = Field(..., description="Người dùng nhập (không phải tỷ lệ, không do phần mềm tự đếm).")
    source_note: str
    is_active: bool
    sort_order: int

    @staticmethod
    def resolve_catalog_unit_code(obj):
        return obj.catalog_unit.code if obj.catalog_unit_id else None

    @staticmethod
    def resolve_numerator_code(obj):
        return obj.numerator.code if obj.numerator_id else None

    @staticmethod
    def resolve_denominator_code(obj):
        return obj.denominator.code if obj.denominator_id else None

    @staticmethod
    def resolve_not_above_code(obj):
        return obj.not_above.code if obj.not_above_id else None

    @staticmethod
    def resolve_reported_by(obj):
        return obj.reporter_codes


class IndicatorFilters(Schema):
    q: str = Field("", description="Mã hoặc tên chỉ tiêu, không cần dấu.")
    group: str = ""
    org_type: str = Field("", description="Chỉ tiêu mà loại tổ chức này báo cáo, ví dụ HLHPN.")
    active: bool | None = None
    unit_id: int | None = None
    unit_code: str | None = Field(None, description="Danh mục đang áp dụng tại đơn vị này (của tỉnh, hoặc "
                                                    "danh mục mặc định).")


def _indicators(qs: QuerySet) -> QuerySet:
    return qs.select_related("catalog_unit", "numerator", "denominator", "not_above")


@api.get("/indicators", response=answers(list[IndicatorOut]), tags=TAGS_INDICATORS)
@paginate(Page)
def indicator_list(request, filters: Query[IndicatorFilters]):
    """The indicator catalogs in the user's reach (the default one and their province's), or the
    catalog in force at one unit, in catalog order."""
    active = {True: "yes", False: "no", None: ""}[filters.active]
    qs = selectors.indicator_list_for_user(request.auth, query=filters.q, group=filters.group,
                                           org=filters.org_type.strip().upper(), active=active)
    unit = _unit_filter(request, filters.unit_id, filters.unit_code)
    if unit is not None:
        qs = qs.filter(pk__in=selectors.indicator_catalog_for_unit(unit).values("pk"))
    return _indicators(qs)


@api.get("/indicators/{int:indicator_id}", response=answers(IndicatorOut), tags=TAGS_INDICATORS)
def indicator_get(request, indicator_id: int):
    return access.get_for_user_or_404(request.auth, access.VIEW, _indicators(Indicator.objects.all()),
                                      pk=indicator_id)


# ---------------------------------------------------------------- submissions: schemas

class SubmissionOut(Schema):
    id: int
    organization_id: int
    organization_name: str
    org_type: str
    unit_id: int
    unit_code: str
    period_id: int
    period_code: str
    period_label: str
    deadline: dt.date
    revision: int
    is_current: bool
    status: SubmissionStatus
    is_late: bool = Field(..., description="Gửi sau hạn, hoặc quá hạn mà chưa gửi.")
    submitted_at: dt.datetime | None
    submitted_by: str | None
    decided_at: dt.datetime | None
    decided_by: str | None
    return_comment: str
    note: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_organization_name(obj):
        return obj.organization.name

    @staticmethod
    def resolve_org_type(obj):
        return obj.organization.org_type.code

    @staticmethod
    def resolve_unit_id(obj):
        return obj.organization.unit_id

    @staticmethod
    def resolve_unit_code(obj):
        return obj.organization.unit.code

    @staticmethod
    def resolve_period_code(obj):
        return obj.period.code

    @staticmethod
    def resolve_period_label(obj):
        return periods.label(obj.period.code)

    @staticmethod
    def resolve_deadline(obj):
        return obj.period.deadline

    @staticmethod
    def resolve_submitted_by(obj):
        return _who(obj.submitted_by)

    @staticmethod
    def resolve_decided_by(obj):
        return _who(obj.decided_by)


class FigureOut(Schema):
    code: str
    name: str
    group: str
    unit_label: str
    value_type: ValueType
    aggregation: Aggregation
    source: str = Field(..., description="typed: người dùng nhập; ratio: tự tính; auto: phần mềm tự đếm.")
    value: float | None = Field(..., description="Số liệu đã nhập (chỉ tiêu số).")
    text: str | None = Field(..., description="Nội dung đã nhập (chỉ tiêu văn bản).")
    previous: float | None = Field(..., description="Số liệu kỳ trước của tổ chức.")
    previous_text: str | None
    auto: int | None = Field(..., description="Số phần mềm đã đếm trong kỳ (chỉ tiêu tự đếm).")


class RevisionOut(Schema):
    id: int
    revision: int
    is_current: bool
    status: SubmissionStatus
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None


class SubmissionDetailOut(SubmissionOut):
    figures: list[FigureOut] = Field(..., description="Mọi chỉ tiêu tổ chức báo cáo, theo thứ tự danh mục.")
    warnings: dict[str, list[str]] = Field(..., description="Cảnh báo theo mã chỉ tiêu (tăng bất thường so "
                                                            "với kỳ trước); không chặn việc lưu.")
    revisions: list[RevisionOut] = Field(..., description="Các lần (bản điều chỉnh), mới nhất trước.")
    actions: list[str] = Field(..., description="Việc người dùng làm được lúc này: save, submit, approve, "
                                                "return, correct.")

    @staticmethod
    def resolve_figures(obj):
        return obj.figure_lines

    @staticmethod
    def resolve_warnings(obj):
        return obj.figure_warnings

    @staticmethod
    def resolve_revisions(obj):
        return obj.revision_list

    @staticmethod
    def resolve_actions(obj):
        return obj.allowed


class SubmissionFilters(Schema):
    q: str = Field("", description="Tên tổ chức, không cần dấu.")
    period_code: str = Field("", description="Ví dụ 2024-10.")
    organization_id: int | None = None
    status: SubmissionStatus | None = None
    late: bool | None = Field(None, description="true: trễ hạn; false: đúng hạn.")


class SubmissionIn(Schema):
    organization_id: int
    period_code: str = Field(..., description="Kỳ nộp số liệu theo mẫu báo cáo của tỉnh, ví dụ 2024-10 "
                                              "(tháng 10/2024).")


class FiguresIn(Schema):
    values: dict[str, int | float | str | None] = Field(
        ..., description="Số liệu theo mã chỉ tiêu, ví dụ {\"PT06\": 4, \"TC04\": \"1.234\"}; chỉ tiêu không gửi "
                         "giữ nguyên; null hoặc \"\" xóa số liệu đã nhập.")
    note: str | None = Field(None, description="Ghi chú; không gửi: giữ nguyên.")


class CommentIn(Schema):
    comment: str = Field("", max_length=2000)


# ---------------------------------------------------------------- submissions: reads

def _submissions(qs: QuerySet) -> QuerySet:
    return qs.select_related("organization__org_type", "organization__unit", "period__template",
                             "submitted_by__person", "decided_by__person")


def _submission(request, submission_id: int, action: str = access.VIEW) -> Submission:
    return access.get_for_user_or_404(request.auth, action, _submissions(Submission.objects.all()),
                                      pk=submission_id)


def _figure_lines(rows) -> list[dict]:
    lines = []
    for row in rows:
        ind = row.indicator
        is_text = ind.value_type == ValueType.TEXT
        figure, previous = row.figure, row.previous
        source = "ratio" if ind.aggregation == Aggregation.RATIO else "auto" if ind.auto_source else "typed"
        lines.append({
            "code": ind.code, "name": ind.name, "group": ind.group, "unit_label": ind.unit_label,
            "value_type": ind.value_type, "aggregation": ind.aggregation, "source": source,
            "value": None if is_text or figure is None else _number(figure.value),
            "text": (figure.text if figure else "") if is_text else None,
            "previous": None if is_text or previous is None else _number(previous.value),
            "previous_text": (previous.text if previous else None) if is_text else None,
            "auto": row.auto,
        })
    return lines


def _warnings(submission: Submission, rows) -> dict[str, list[str]]:
    """The page's warnings: the typed figures checked against the previous period (services.check_figures)."""
    typed = [r.indicator for r in rows if r.indicator.is_typed]
    values = {r.indicator.code: r.value for r in rows if r.indicator.is_typed and r.value is not None}
    previous = {r.indicator.code: r.previous.value for r in rows if r.previous is not None}
    return services.check_figures(typed, values, previous=previous,
                                  jump_factor=submission.period.template.jump_factor).warnings


def _submission_actions(user, submission: Submission) -> list[str]:
    """What the user may do now, as the submission page offers it."""
    if not submission.is_current:
        return []
    if submission.status in services.EDITABLE:
        return ["save", "submit"] if access.can(user, access.CHANGE, submission) else []
    if submission.status == SubmissionStatus.SUBMITTED:
        return ["approve", "return"] if access.can(user, access.APPROVE, submission) else []
    return ["correct"] if access.can(user, access.CHANGE, submission) else []  # approved


def _detail(request, submission_id: int) -> Submission:
    """The submission with what SubmissionDetailOut reads (figures, warnings, revisions, actions)."""
    submission = _submission(request, submission_id)
    rows = selectors.submission_rows(submission)
    submission.figure_lines = _figure_lines(rows)
    submission.figure_warnings = _warnings(submission, rows)
    submission.revision_list = selectors.revisions(submission)
    submission.allowed = _submission_actions(request.auth, submission)
    return submission


# ---------------------------------------------------------------- submissions: endpoints

@api.get("/submissions", response=answers(list[SubmissionOut]), tags=TAGS_SUBMISSIONS)
@paginate(Page)
def submission_list(request, filters: Query[SubmissionFilters]):
    """Current revisions in the user's reach (everyone sees the figures of their area), newest
    period first."""
    user = request.auth
    errors: dict = {}
    organization = None
    if filters.organization_id is not None:
        organization = _in_reach(user, Organization, filters.organization_id, "organization_id", errors)
    _raise(errors)
    late = {True: "yes", False: "no", None: ""}[filters.late]
    qs = selectors.submission_list_for_user(user, query=filters.q, period=filters.period_code.strip().upper(),
                                            organization=organization, status=_value(filters.status) or "",
                                            late=late)
    return _submissions(qs)


@api.get("/submissions/{int:submission_id}", response=answers(SubmissionDetailOut), tags=TAGS_SUBMISSIONS)
def submission_get(request, submission_id: int):
    """A submission with every indicator its organization reports: the typed figure, the previous
    period's, what the app counted itself; warnings; revisions; what the user may do now."""
    return _detail(request, submission_id)


@api.post("/submissions", response=answers(SubmissionDetailOut, 201, also={200: SubmissionDetailOut}),
          tags=TAGS_SUBMISSIONS)
def submission_create(request, payload: SubmissionIn):
    """Open an organization's figures for a period (its staff): 201 a new draft, 200 the current
    revision when it exists. The period is of the kind the province's template asks for."""
    user = request.auth
    if not access.can_create(user, Submission):
        raise PermissionDenied
    errors: dict = {}
    organization = _in_reach(user, Organization.objects.select_related("unit", "org_type"), payload.organization_id,
                             "organization_id", errors)
    _raise(errors)
    access.ensure(user, access.CHANGE, Submission(organization=organization))
    try:
        period = services.submission_period(selectors.template_for(organization.unit), payload.period_code)
    except ValidationError as error:
        raise ValidationError({"period_code": error.messages}) from None
    existed = Submission.objects.filter(organization=organization, period=period, is_current=True).exists()
    submission = services.submission_get_or_create(actor=user, organization=organization, period=period)
    return Status(200 if existed else 201, _detail(request, submission.pk))


@api.patch("/submissions/{int:submission_id}/figures", response=answers(SubmissionDetailOut),
           tags=TAGS_SUBMISSIONS)
def submission_save_figures(request, submission_id: int, payload: FiguresIn):
    """Store typed figures of a draft or returned submission (its organization's staff). Numbers
    as JSON numbers or text in Vietnamese notation ("1.234,5"). Any wrong value: 422 with one
    error per indicator (``loc`` ``["body", "values", "<code>"]``) and nothing stored; warnings
    (a jump over the previous period) come back in ``warnings``."""
    submission = _submission(request, submission_id, access.CHANGE)
    try:
        services.save_figures(actor=request.auth, submission=submission, values=payload.values, note=payload.note)
    except ValidationError as error:
        return _figure_errors(error, ["body", "values"])
    return _detail(request, submission_id)


@api.post("/submissions/{int:submission_id}/submit", response=answers(SubmissionDetailOut),
          tags=TAGS_SUBMISSIONS)
def submission_submit(request, submission_id: int):
    """Send the figures to the organization's head or deputy for approval. Every typed indicator
    must be filled (0 when nothing happened): 422 naming each missing one (``loc``
    ``["values", "<code>"]``)."""
    submission = _submission(request, submission_id, access.CHANGE)
    try:
        services.submit(actor=request.auth, submission=submission)
    except ValidationError as error:
        return _figure_errors(error, ["values"])
    return _detail(request, submission_id)


@api.post("/submissions/{int:submission_id}/approve", response=answers(SubmissionDetailOut),
          tags=TAGS_SUBMISSIONS)
def submission_approve(request, submission_id: int):
    """The organization's head or deputy approves its submitted figures."""
    submission = _submission(request, submission_id, access.APPROVE)
    services.approve(actor=request.auth, submission=submission)
    return _detail(request, submission_id)


@api.post("/submissions/{int:submission_id}/return", response=answers(SubmissionDetailOut),
          tags=TAGS_SUBMISSIONS)
def submission_return(request, submission_id: int, payload: CommentIn):
    """The head or deputy sends the figures back, saying why (an empty comment: 422)."""
    submission = _submission(request, submission_id, access.APPROVE)
    services.return_submission(actor=request.auth, submission=submission, comment=payload.comment)
    return _detail(request, submission_id)


@api.post("/submissions/{int:submission_id}/correct", response=answers(SubmissionDetailOut, 201),
          tags=TAGS_SUBMISSIONS)
def submission_correct(request, submission_id: int):
    """A correction after approval: a new draft revision with the same figures (201, the new
    revision); the approved one is kept, no longer current."""
    submission = _submission(request, submission_id, access.CHANGE)
    new = services.correct(actor=request.auth, submission=submission)
    return Status(201, _detail(request, new.pk))


# ---------------------------------------------------------------- reports and builds: schemas

class FileOut(Schema):
    format: FileFormat
    label: str
    size: int = Field(..., description="Byte.")
    sha256: str
    url: str = Field(..., description="Tải về qua API (phiên đăng nhập hoặc khóa API).")


class BuildOut(Schema):
    id: int
    report_id: int
    version: int
    status: BuildStatus
    status_label: str
    progress: int = Field(..., description="0–100.")
    stage: str
    attempts: int
    error: str | None = Field(..., description="Lý do lỗi (lần lập bị lỗi; chỉ người soạn báo cáo thấy).")
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    finished: bool = Field(..., description="Xong hoặc lỗi: thôi hỏi lại.")
    files: list[FileOut] = Field(..., description="Các tệp, khi đã lập xong.")


class ReportOut(Schema):
    id: int
    joint_body_id: int
    joint_body_name: str
    unit_id: int
    unit_code: str
    period_id: int
    period_code: str
    period_kind: PeriodKind
    period_label: str
    number: str
    title: str
    status: ReportStatus
    return_comment: str
    returned_at: dt.datetime | None
    latest_build_version: int | None
    latest_build_status: BuildStatus | None
    created_at: dt.datetime
    updated_at: dt.datetime

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
    def resolve_period_code(obj):
        return obj.period.code

    @staticmethod
    def resolve_period_kind(obj):
        return obj.period.kind

    @staticmethod
    def resolve_period_label(obj):
        return periods.label(obj.period.code)

    @staticmethod
    def resolve_latest_build_version(obj):
        return getattr(obj, "build_version", None)

    @staticmethod
    def resolve_latest_build_status(obj):
        return getattr(obj, "build_status", None)


class ReportDetailOut(ReportOut):
    place: str
    issued_on: dt.date | None
    achievements: str
    limitations: str
    causes: str
    next_tasks: str
    recipients: str
    signer_title: str
    signer_name: str
    returned_by: str | None = Field(..., description="Người trả lại (Ban Dân vận).")
    latest_build: BuildOut | None
    latest_done_build: BuildOut | None = Field(..., description="Lần lập xong gần nhất: các tệp tải được "
                                                                "trong khi lần mới đang lập.")
    actions: list[str] = Field(..., description="Việc người dùng làm được lúc này: change, build, return.")

    @staticmethod
    def resolve_returned_by(obj):
        return _who(obj.returned_by)

    @staticmethod
    def resolve_latest_build(obj):
        return obj.latest_build_data

    @staticmethod
    def resolve_latest_done_build(obj):
        return obj.latest_done_build_data

    @staticmethod
    def resolve_actions(obj):
        return obj.allowed


class ReportFilters(Schema):
    q: str = Field("", description="Cơ quan khối, số, trích yếu hoặc mã kỳ, không cần dấu.")
    kind: PeriodKind | None = None
    year: int | None = None
    status: ReportStatus | None = None
    joint_body_id: int | None = None


class ReportIn(Schema):
    joint_body_id: int
    kind: PeriodKind
    period_code: str = Field(..., description="Ví dụ 2024-Y hoặc 2024 (năm), 2024-H1, 2024-9M, 2024-Q4, 2024-11.")


class NarrativeIn(Schema):
    number: str = Field("", max_length=60, description="Số, ký hiệu, ví dụ 12-BC/KDV.")
    place: str = Field("", max_length=80)
    issued_on: dt.date | None = None
    title: str = Field("", max_length=300)
    achievements: str = ""
    limitations: str = ""
    causes: str = ""
    next_tasks: str = ""
    recipients: str = Field("", description="Mỗi nơi nhận một dòng.")
    signer_title: str = Field("", max_length=120)
    signer_name: str = Field("", max_length=120)


# ---------------------------------------------------------------- reports and builds: reads

def _builds(qs: QuerySet) -> QuerySet:
    """Builds without their (large) snapshots, with their files."""
    return qs.defer("snapshot").prefetch_related("files")


def _build_out(user, build: ReportBuild) -> dict:
    files = []
    if build.status == BuildStatus.DONE:
        order = list(FileFormat.values)
        files = [{"format": f.format, "label": f.get_format_display(), "size": f.size, "sha256": f.sha256,
                  "url": reverse("api:build_download", kwargs={"build_id": build.pk, "fmt": f.format})}
                 for f in sorted(build.files.all(), key=lambda f: order.index(f.format))]
    error = None
    if build.status == BuildStatus.FAILED and access.can(user, access.CHANGE, build):
        error = build.error[:500]
    return {
        "id": build.pk, "report_id": build.report_id, "version": build.version, "status": build.status,
        "status_label": build.get_status_display(), "progress": build.progress, "stage": build.stage_display,
        "attempts": build.attempts, "error": error, "requested_at": build.requested_at,
        "finished_at": build.finished_at, "finished": build.status in (BuildStatus.DONE, BuildStatus.FAILED),
        "files": files,
    }


def _report(request, report_id: int, action: str = access.VIEW) -> Report:
    return access.get_for_user_or_404(
        request.auth, action, Report.objects.select_related("period", "joint_body__unit", "returned_by__person"),
        pk=report_id)


def _report_detail(request, report_id: int) -> Report:
    """The report with what ReportDetailOut reads: its latest and latest finished builds (without
    snapshots), what the user may do now."""
    user = request.auth
    report = _report(request, report_id)
    builds = list(_builds(report.builds.all()).order_by("-version"))
    latest = builds[0] if builds else None
    done = next((b for b in builds if b.status == BuildStatus.DONE), None)
    report.build_version = latest.version if latest else None
    report.build_status = latest.status if latest else None
    report.latest_build_data = _build_out(user, latest) if latest else None
    report.latest_done_build_data = _build_out(user, done) if done else None
    report.allowed = []
    if access.can(user, access.CHANGE, report):
        report.allowed += ["change", "build"]
    if access.can(user, access.RETURN, report) and reporting.return_refusal(report.status, done is not None) is None:
        report.allowed.append("return")
    return report


def _build(request, build_id: int) -> ReportBuild:
    return access.get_for_user_or_404(
        request.auth, access.VIEW,
        _builds(ReportBuild.objects.select_related("report__period", "report__joint_body__unit")), pk=build_id)


# ---------------------------------------------------------------- reports and builds: endpoints

@api.get("/reports", response=answers(list[ReportOut]), tags=TAGS_REPORTS)
@paginate(Page)
def report_list(request, filters: Query[ReportFilters]):
    """Joint reports in the user's reach, newest period first, with their latest build's status."""
    return reporting.report_list_for_user(request.auth, query=filters.q, kind=_value(filters.kind) or "",
                                          year=filters.year, status=_value(filters.status) or "",
                                          joint_body=filters.joint_body_id)


@api.post("/reports", response=answers(ReportDetailOut, 201), tags=TAGS_REPORTS)
def report_create(request, payload: ReportIn):
    """A joint body's report for a period (its head, deputy or office): the period comes from the
    province's template; one report per body and period."""
    user = request.auth
    if not access.can_create(user, Report):
        raise PermissionDenied
    errors: dict = {}
    body = _in_reach(user, JointBody.objects.select_related("unit"), payload.joint_body_id, "joint_body_id", errors)
    _raise(errors)
    with _renamed(code="period_code", joint_body="joint_body_id"):
        report = reporting.report_create(user=user, joint_body=body, kind=_value(payload.kind),
                                         code=payload.period_code)
    return Status(201, _report_detail(request, report.pk))


@api.get("/reports/{int:report_id}", response=answers(ReportDetailOut), tags=TAGS_REPORTS)
def report_get(request, report_id: int):
    """A report: its narrative, status, the board's return comment, its latest build (and the
    latest finished one, whose files stay downloadable while a new build runs)."""
    return _report_detail(request, report_id)


@api.patch("/reports/{int:report_id}", response=answers(ReportDetailOut), tags=TAGS_REPORTS)
def report_update(request, report_id: int, payload: PatchDict[NarrativeIn]):
    """Change the narrative (the body's head, deputy, office); fields not sent keep their values.
    A built report whose narrative changes is a draft again until rebuilt."""
    report = _report(request, report_id, access.CHANGE)
    reporting.report_update_narrative(user=request.auth, report=report, **dict(payload))
    return _report_detail(request, report_id)


@api.post("/reports/{int:report_id}/build", response=answers(BuildOut, 202, also={200: BuildOut}),
          tags=TAGS_REPORTS)
def report_build(request, report_id: int):
    """Have the report built (the body's head, deputy, office): 202 with the build to poll
    (``GET /report-builds/{id}``); 200 when the report, its narrative and the figures it reads
    did not change since a finished build (that build is returned). Asking twice gives one build.
    Rebuilding a returned report answers the board's return."""
    report = _report(request, report_id, access.CHANGE)
    build = reporting.report_request_build(user=request.auth, report=report)
    build = _build(request, build.pk)
    return Status(200 if build.status == BuildStatus.DONE else 202, _build_out(request.auth, build))


@api.post("/reports/{int:report_id}/return", response=answers(ReportDetailOut), tags=TAGS_REPORTS)
def report_return(request, report_id: int, payload: CommentIn):
    """The provincial board returns a built report for correction with a comment (required); the
    body's head is told and sees the comment on the report."""
    report = _report(request, report_id, access.RETURN)
    reporting.report_return(user=request.auth, report=report, comment=payload.comment)
    return _report_detail(request, report_id)


@api.get("/report-builds/{int:build_id}", response=answers(BuildOut), tags=TAGS_REPORTS)
def build_get(request, build_id: int):
    """What a client polls while a report is built: status, progress (0–100), stage, attempts;
    once done, the files (format, size, sha256, download URL)."""
    return _build_out(request.auth, _build(request, build_id))


@api.get("/report-builds/{int:build_id}/files/{fmt}",
         response={401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}, tags=TAGS_REPORTS,
         openapi_extra={"responses": {"200": {
             "description": "Tệp báo cáo (PDF, Word hoặc Excel); ETag là sha256 của tệp.",
             "content": {content_type: {"schema": {"type": "string", "format": "binary"}}
                         for content_type in CONTENT_TYPES.values()}}}})
def build_download(request, build_id: int, fmt: FileFormat):
    """A build's file, streamed through the access check (whoever reads the report)."""
    build = _build(request, build_id)
    stored = ReportFile.objects.filter(build=build, format=_value(fmt)).first()
    if stored is None:
        raise Http404
    response = FileResponse(stored.file.open("rb"), as_attachment=True, filename=download_name(build, _value(fmt)),
                            content_type=CONTENT_TYPES[_value(fmt)])
    response["ETag"] = f'"{stored.sha256}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response

