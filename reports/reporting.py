"""The joint report as people handle it: create it for a period, write its narrative, have it
built, and — for the provincial board — return it for correction. One function per use case,
keyword-only, permission-checked through ``khoi.access``, in a transaction.

The build itself (snapshot, files, the Celery job) is ``reports/building.py``'s; this module
only asks for it (``report_request_build``) and clears a return when the report is rebuilt.
Reads shared by the pages are at the end (``report_list_for_user`` …).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _

from khoi import access, text
from khoi.models import JointBody, Position, PositionRole, current_positions
from khoi.notifications import notify
from reports import periods
from reports.selectors import template_for
from reports.services import get_or_create_period
from reports.models import BuildStatus, Report, ReportBuild, ReportStatus

NARRATIVE_FIELDS = (
    "number", "place", "issued_on", "title", "achievements", "limitations", "causes", "next_tasks",
    "recipients", "signer_title", "signer_name",
)


def normalize_code(kind: str, raw: str) -> str:
    """The period code the user meant: "2023" with kind "year" is "2023-Y"; a code of another kind
    than the one chosen is refused (pure; Vietnamese messages)."""
    raw = (raw or "").strip().upper()
    if raw.isdigit() and len(raw) == 4 and kind in ("year", "nine_months"):
        raw += "-Y" if kind == "year" else "-9M"
    spec = periods.parse(raw)  # PeriodCodeError (a ValueError) with a Vietnamese message
    if spec.kind != kind:
        raise periods.PeriodCodeError(
            _("Mã kỳ “%(code)s” là kỳ %(found)s, không phải kỳ %(kind)s đã chọn.")
            % {"code": raw, "found": _kind_label(spec.kind), "kind": _kind_label(kind)}
        )
    return spec.code


def _kind_label(kind: str) -> str:
    from reports.models import PeriodKind

    return str(dict(PeriodKind.choices).get(kind, kind)).lower()


# ============================================================================================
# Writes
# ============================================================================================

@transaction.atomic
def report_create(*, user, joint_body: JointBody, kind: str, code: str) -> Report:
    """The body's report for a period; the Period row comes from the province's template."""
    report = Report(joint_body=joint_body)
    access.ensure(user, access.CHANGE, report)  # before the code: a refusal never depends on the input
    template = template_for(joint_body.unit)
    try:
        code = normalize_code(kind, code)
        periods.sub_codes(code, template.submission_kind)  # the figures must make it up exactly
    except periods.PeriodCodeError as error:
        raise ValidationError({"code": str(error)}) from None
    report.period = get_or_create_period(template, code)
    with translation.override("vi"):  # the document's own words, whatever the language of the screen
        report.title = _("Báo cáo kết quả công tác phối hợp %(period)s") % {"period": periods.label(code).lower()}
    report.place = joint_body.unit.short_name or joint_body.unit.name
    report.full_clean()  # one report per body and period (a Vietnamese message)
    report.save()
    return report


@transaction.atomic
def report_update_narrative(*, user, report: Report, **fields) -> Report:
    """Number, place, date, title, the four narrative sections, recipients and signer.

    A built report whose narrative changes goes back to "draft": its files no longer say it.
    """
    report = Report.objects.select_for_update().get(pk=report.pk)
    access.ensure(user, access.CHANGE, report)
    unknown = set(fields) - set(NARRATIVE_FIELDS)
    if unknown:
        raise TypeError(f"not narrative fields: {sorted(unknown)}")
    changed = False
    for name, value in fields.items():
        if isinstance(value, str):
            value = text.clean(value) if "\n" not in value else text.clean_paragraphs(value)
        if getattr(report, name) != value:
            setattr(report, name, value)
            changed = True
    if not changed:
        return report
    if report.status == ReportStatus.BUILT:
        report.status = ReportStatus.DRAFT
    report.full_clean()
    report.save()
    return report


def report_request_build(*, user, report: Report) -> ReportBuild:
    """Ask ``reports.building`` for a build (idempotent there) and, if the report had been
    returned, clear the return: rebuilding is how the body answers the board's comment."""
    from reports.building import request_build

    access.ensure(user, access.CHANGE, report)
    build = request_build(report=report, user=user)
    with transaction.atomic():
        fresh = Report.objects.select_for_update().get(pk=report.pk)
        if fresh.status == ReportStatus.RETURNED:
            fresh.status = ReportStatus.BUILT if build.status == BuildStatus.DONE else ReportStatus.DRAFT
            fresh.save(update_fields=["status", "updated_at"])
    return build


def return_refusal(status: str, has_done_build: bool) -> str | None:
    """Why a report cannot be returned now, or None (pure)."""
    if status == ReportStatus.RETURNED:
        return _("Báo cáo đã bị trả lại và đang chờ cơ quan khối sửa.")
    if not has_done_build:
        return _("Báo cáo chưa được lập xong lần nào: chưa có gì để trả lại.")
    return None


@transaction.atomic
def report_return(*, user, report: Report, comment: str) -> Report:
    """The provincial board sends the report back with a comment; the body's head(s) are told."""
    report = Report.objects.select_for_update().select_related("joint_body__unit", "period").get(pk=report.pk)
    access.ensure(user, access.RETURN, report)
    comment = text.clean_paragraphs(comment)
    if not comment:
        raise ValidationError({"comment": _("Hãy ghi ý kiến trả lại để cơ quan khối biết cần sửa gì.")})
    refusal = return_refusal(report.status, report.builds.filter(status=BuildStatus.DONE).exists())
    if refusal:
        raise ValidationError(refusal)
    report.status = ReportStatus.RETURNED
    report.return_comment = comment
    report.returned_by = user
    report.returned_at = timezone.now()
    report.full_clean()
    report.save()
    who = getattr(getattr(user, "person", None), "full_name", "") or user.get_username()
    message = _("%(who)s trả lại báo cáo %(report)s: %(comment)s") % {"who": who, "report": report, "comment": comment}
    for recipient in _heads_of(report):
        notify(user=recipient, text=message, url=report.get_absolute_url())
    return report


def _heads_of(report: Report) -> list:
    """Users to tell about a return: the body's current head(s), and whoever asked for the last build."""
    users = [p.person.user for p in Position.objects.filter(
        current_positions(), joint_body_id=report.joint_body_id, role=PositionRole.HEAD, person__user__isnull=False,
    ).select_related("person__user")]
    last = report.builds.select_related("requested_by").order_by("-version").first()
    if last and last.requested_by_id:
        users.append(last.requested_by)
    return list({u.pk: u for u in users if u.is_active}.values())


# ============================================================================================
# Reads
# ============================================================================================

def _latest_build(field: str) -> Subquery:
    return Subquery(ReportBuild.objects.filter(report=OuterRef("pk")).order_by("-version").values(field)[:1])


def report_list_for_user(user, *, query: str = "", kind: str = "", year: int | None = None, status: str = "",
                         joint_body: int | None = None) -> QuerySet:
    """Reports in reach, newest period first, with their latest build's status (one query)."""
    qs = (access.restrict(Report, user).select_related("period", "joint_body__unit")
          .annotate(build_status=_latest_build("status"), build_version=_latest_build("version")))
    if kind:
        qs = qs.filter(period__kind=kind)
    if year:
        qs = qs.filter(period__year=year)
    if status:
        qs = qs.filter(status=status)
    if joint_body:
        qs = qs.filter(joint_body_id=joint_body)
    for term in text.search_terms(query):
        qs = qs.filter(Q(joint_body__search_name__contains=term) | Q(number__icontains=term)
                       | Q(title__icontains=term) | Q(period__code__istartswith=term))
    return qs.order_by("-period__start", "period__kind", "joint_body__unit__path")


def report_get(user, action: str, pk: int) -> Report:
    """One report in reach, with what its page shows (404 out of reach, 403 if not allowed)."""
    builds = ReportBuild.objects.select_related("requested_by").prefetch_related("files").order_by("-version")
    qs = Report.objects.select_related("period", "joint_body__unit", "returned_by__person").prefetch_related(
        Prefetch("builds", queryset=builds))
    return access.get_for_user_or_404(user, action, qs, pk=pk)


def returned_reports_for_user(user) -> QuerySet:
    """Reports waiting for this user's correction (for a home page's "to do" list)."""
    return (access.restrict(Report, user, access.CHANGE).filter(status=ReportStatus.RETURNED)
            .select_related("period", "joint_body"))


def due_for_user(user, limit: int = 10) -> list[dict]:
    """What waits for this user in reporting, for the home page: reports returned for correction,
    figures returned to their organization, figures waiting for the user's approval."""
    from reports.models import Submission, SubmissionStatus

    due = [{"text": _("Báo cáo %(report)s bị trả lại: %(comment)s") % {"report": r, "comment": r.return_comment},
            "url": r.get_absolute_url()}
           for r in returned_reports_for_user(user).order_by("-returned_at")[:limit]]
    current = Submission.objects.filter(is_current=True).select_related("organization", "period")
    returned = access.restrict(current, user, access.CHANGE).filter(status=SubmissionStatus.RETURNED)
    due += [{"text": _("Số liệu %(submission)s bị trả lại: %(comment)s") % {"submission": s, "comment": s.return_comment},
             "url": s.get_absolute_url()} for s in returned.order_by("-decided_at")[:limit]]
    waiting = access.restrict(current, user, access.APPROVE).filter(status=SubmissionStatus.SUBMITTED)
    due += [{"text": _("Số liệu %(submission)s chờ anh/chị duyệt.") % {"submission": s}, "url": s.get_absolute_url()}
            for s in waiting.order_by("submitted_at")[:limit]]
    return due
