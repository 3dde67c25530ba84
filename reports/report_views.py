"""Pages of the joint report: list, create, the report page (narrative, build progress,
downloads, versions, the board's return), the build status endpoint, downloads, and the
board's comparison of bodies. Thin: access, one service or selector, render."""
from __future__ import annotations

import re
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.db.models.fields.json import KeyTransform
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST, require_safe

from khoi import access, text
from khoi.generic import Column, Filter, ObjectListView
from khoi.models import AdministrativeUnit, JointBody
from reports import reporting, rollup
from reports.models import (
    BuildStatus,
    FileFormat,
    Period,
    PeriodKind,
    Report,
    ReportBuild,
    ReportFile,
    ReportStatus,
    Submission,
)
from reports.report_forms import ReportCreateForm, ReportNarrativeForm, ReportReturnForm

CONTENT_TYPES = {
    FileFormat.PDF: "application/pdf",
    FileFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
POLL_SECONDS = 2


# ============================================================================================
# List and create
# ============================================================================================

def _status_cell(report) -> str:
    label = report.get_status_display()
    if report.build_status in (BuildStatus.PENDING, BuildStatus.RUNNING):
        label += " · " + _("đang lập lần %(v)s") % {"v": report.build_version}
    elif report.build_status == BuildStatus.FAILED:
        label += " · " + _("lần lập %(v)s bị lỗi") % {"v": report.build_version}
    return label


def _years(user) -> list[tuple[str, str]]:
    years = (access.restrict(Report, user).order_by("-period__year").values_list("period__year", flat=True).distinct())
    return [(str(y), str(y)) for y in years]


def _year(user, raw):
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None


class ReportListView(ObjectListView):
    """The joint reports in reach, by period, with their status."""

    title = _lazy("Báo cáo chung")
    model = Report
    create_url_name = "reports:report_create"
    template_name = "reports/report_list.html"
    search_placeholder = _lazy("Tìm theo cơ quan khối, số, trích yếu (không cần dấu)")
    columns = [
        Column(_lazy("Kỳ"), "period", link=True),
        Column(_lazy("Cơ quan khối"), "joint_body.name"),
        Column(_lazy("Số, ký hiệu"), "number"),
        Column(_lazy("Trích yếu"), "title"),
        Column(_lazy("Trạng thái"), "", render=_status_cell),
    ]
    filters = [
        Filter("kind", _lazy("Loại kỳ"), lambda user: list(PeriodKind.choices)),
        Filter("year", _lazy("Năm"), lambda user: _years(user), _year),
        Filter("status", _lazy("Trạng thái"), lambda user: list(ReportStatus.choices)),
    ]

    @staticmethod
    def selector(user, **kwargs):
        return reporting.report_list_for_user(user, **kwargs)

    def extra_context(self, request):
        return {"can_compare": True}


@login_required
def report_create(request):
    if not access.can_create(request.user, Report):
        raise PermissionDenied
    form = ReportCreateForm(request.POST if request.method == "POST" else None, user=request.user,
                            initial={"code": request.GET.get("code", ""), "kind": request.GET.get("kind", "year")})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                report = reporting.report_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Đã tạo báo cáo %(period)s. Hãy soạn phần nội dung rồi lập báo cáo.")
                                 % {"period": report.period})
                return HttpResponseRedirect(reverse("reports:report_edit", args=[report.pk]))
    return render(request, "reports/report_create.html", {"form": form, "title": _("Tạo báo cáo chung")}, status=status)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e)
    else:
        form.add_error(None, error)


# ============================================================================================
# The report page, editing, builds
# ============================================================================================

def _submission_labels(builds) -> dict[int, str]:
    """Submission id → "Hội LHPN xã Quảng Lâm · 2023-05" for every submission the builds used
    (one query): the full name, since short names repeat in every commune."""
    ids = {int(pair[0]) for b in builds for pair in (b.used or []) if pair}
    if not ids:
        return {}
    return {s.pk: f"{s.organization.name} · {s.period.code}"
            for s in Submission.objects.filter(pk__in=ids).select_related("organization", "period")}


def _builds(report) -> list[ReportBuild]:
    """Builds newest first, their files, and the submission revisions each used — without loading
    the whole snapshots (only their ``submissions`` key)."""
    builds = list(
        report.builds.defer("snapshot").annotate(used=KeyTransform("submissions", "snapshot"))
        .select_related("requested_by").prefetch_related("files").order_by("-version")
    )
    labels = _submission_labels(builds)
    for build in builds:
        build.file_list = sorted(build.files.all(), key=lambda f: list(FileFormat.values).index(f.format))
        build.revisions = [{"label": labels.get(int(pair[0]), f"#{pair[0]}"), "revision": pair[1]}
                           for pair in (build.used or []) if pair]
    return builds


def _detail_context(request, report, *, return_form=None) -> dict:
    builds = _builds(report)
    latest = builds[0] if builds else None
    can_change = access.can(request.user, access.CHANGE, report)
    can_return = access.can(request.user, access.RETURN, report)
    return {
        "report": report, "title": str(report), "builds": builds, "latest": latest,
        "done": next((b for b in builds if b.status == BuildStatus.DONE), None),
        "can_change": can_change,
        "can_return": can_return and reporting.return_refusal(
            report.status, any(b.status == BuildStatus.DONE for b in builds)) is None,
        "return_form": return_form or ReportReturnForm(),
        "poll_seconds": POLL_SECONDS,
        "returned_by_name": _person_name(report.returned_by),
    }


def _person_name(user) -> str:
    if user is None:
        return ""
    return getattr(getattr(user, "person", None), "full_name", "") or user.get_username()


def _report(request, pk, action=access.VIEW) -> Report:
    return access.get_for_user_or_404(
        request.user, action, Report.objects.select_related("period", "joint_body__unit", "returned_by__person"), pk=pk)


@login_required
@require_safe
def report_detail(request, pk):
    report = _report(request, pk)
    return render(request, "reports/report_detail.html", _detail_context(request, report))


@login_required
def report_edit(request, pk):
    report = _report(request, pk, access.CHANGE)
    form = ReportNarrativeForm(request.POST if request.method == "POST" else None, instance=report, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                reporting.report_update_narrative(user=request.user, report=report,
                                                  **{f: form.cleaned_data[f] for f in reporting.NARRATIVE_FIELDS})
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Đã lưu nội dung báo cáo."))
                return HttpResponseRedirect(report.get_absolute_url())
        report.refresh_from_db()  # the form wrote into the instance; show the saved title
    sections = [
        (_("Thể thức"), [[form["number"], form["place"], form["issued_on"]], [form["title"]]]),
        (_("Nội dung"), [[form[f]] for f in ("achievements", "limitations", "causes", "next_tasks")]),
        (_("Nơi nhận, người ký"), [[form["recipients"]], [form["signer_title"], form["signer_name"]]]),
    ]
    return render(request, "reports/report_edit.html",
                  {"form": form, "sections": sections, "report": report, "title": _("Soạn nội dung báo cáo")}, status=status)


@login_required
@require_POST
def report_build(request, pk):
    report = _report(request, pk, access.CHANGE)
    build = reporting.report_request_build(user=request.user, report=report)
    if build.status == BuildStatus.DONE:
        messages.info(request, _("Báo cáo không đổi từ lần lập %(v)s: dùng lại các tệp đã có.") % {"v": build.version})
    else:
        messages.success(request, _("Đã yêu cầu lập báo cáo (lần %(v)s).") % {"v": build.version})
    return HttpResponseRedirect(report.get_absolute_url() + "#build")


def _build(request, pk) -> ReportBuild:
    return access.get_for_user_or_404(request.user, access.VIEW, ReportBuild.objects.select_related(
        "report__period", "report__joint_body__unit"), pk=pk)


@login_required
@require_safe
def build_status(request, pk):
    """What the report page polls: status, progress, stage; the files once done."""
    build = _build(request, pk)
    finished = build.status in (BuildStatus.DONE, BuildStatus.FAILED)
    data = {
        "id": build.pk, "version": build.version, "status": build.status, "status_label": build.get_status_display(),
        "progress": build.progress, "stage": build.stage_display, "finished": finished,
        "files": [],
    }
    if build.status == BuildStatus.DONE:
        data["files"] = [{"format": f.format, "label": f.get_format_display(), "size": f.size, "sha256": f.sha256,
                          "url": reverse("reports:build_download", args=[build.pk, f.format])}
                         for f in build.files.order_by("format")]
    if build.status == BuildStatus.FAILED and access.can(request.user, access.CHANGE, build):
        data["error"] = build.error[:500]
    response = JsonResponse(data)
    response["Cache-Control"] = "no-store"
    return response


def download_name(build: ReportBuild, fmt: str) -> str:
    """An ASCII file name: bao-cao-<body>-<period>-v<version>.<ext>."""
    body = build.report.joint_body
    slug = re.sub(r"[^a-z0-9]+", "-", text.fold(body.short_name or body.unit.name)).strip("-")[:40] or "khoi"
    return f"bao-cao-{slug}-{build.report.period.code}-v{build.version}.{fmt}"


@login_required
@require_safe
def build_download(request, pk, fmt):
    """A build's file streamed through the access check, never from a public media URL."""
    build = _build(request, pk)
    stored = ReportFile.objects.filter(build=build, format=fmt).first()
    if stored is None:
        raise Http404
    response = FileResponse(stored.file.open("rb"), as_attachment=True, filename=download_name(build, fmt),
                            content_type=CONTENT_TYPES[fmt])
    response["ETag"] = f'"{stored.sha256}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_safe
def build_view(request, pk):
    """A finished build read in the browser: the same HTML the PDF is printed from, from the
    frozen snapshot (the figures as they were when it was built)."""
    build = _build(request, pk)
    if build.status != BuildStatus.DONE:
        raise Http404
    from reports.render import render_html

    response = HttpResponse(render_html(build.snapshot))
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; font-src 'self'"
    return response


@login_required
@require_POST
def report_return(request, pk):
    report = _report(request, pk, access.RETURN)
    form = ReportReturnForm(request.POST)
    if form.is_valid():
        try:
            reporting.report_return(user=request.user, report=report, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Đã trả lại báo cáo; cơ quan khối đã được thông báo."))
            return HttpResponseRedirect(report.get_absolute_url())
    return render(request, "reports/report_detail.html", _detail_context(request, report, return_form=form), status=400)


# ============================================================================================
# Comparing bodies (the provincial board)
# ============================================================================================

def _compare_parent(request, bodies, period) -> AdministrativeUnit | None:
    """The unit whose bodies are compared: the one asked for; else the parent of most bodies that
    report for the period (after a reform the old bodies sit under the old province); else the
    user's widest grant."""
    units = access.restrict(AdministrativeUnit, request.user)
    raw = request.GET.get("unit", "")
    if raw.isdigit():
        unit = units.filter(pk=int(raw)).first()
        if unit:
            return unit
    if period is not None:
        busiest = (access.restrict(Report, request.user).filter(period=period, joint_body__unit__parent__isnull=False)
                   .values("joint_body__unit__parent").annotate(n=Count("pk")).order_by("-n")
                   .values_list("joint_body__unit__parent", flat=True).first())
        unit = units.filter(pk=busiest).first() if busiest else None
        if unit:
            return unit
    grants = sorted(access.grants(request.user), key=lambda g: g.path.count("/"))
    if grants:
        return AdministrativeUnit.objects.filter(pk=grants[0].unit_id).first()
    first = bodies.order_by("unit__depth").select_related("unit__parent").first()
    return first.unit.parent or first.unit if first else None


@login_required
@require_safe
def report_compare(request):
    """Bodies under a unit × chosen indicators for one period: figures, totals, completeness,
    report status; each figure links to the body's report."""
    bodies_in_reach = access.restrict(JointBody, request.user)
    report_periods = Period.objects.filter(
        Q(pk__in=access.restrict(Report, request.user).values("period_id"))
        | Q(pk__in=access.restrict(Submission, request.user).values("period_id"))
    ).order_by("-start", "kind")[:200]
    report_periods = list(report_periods)
    raw_period = request.GET.get("period", "")
    # by default the latest period someone wrote a report for, else the latest with figures
    latest_report = access.restrict(Report, request.user).order_by("-period__start").values_list("period_id", flat=True).first()
    default = next((p for p in report_periods if p.pk == latest_report), report_periods[0] if report_periods else None)
    period = next((p for p in report_periods if str(p.pk) == raw_period), default)
    parent = _compare_parent(request, bodies_in_reach, period)
    context = {"title": _("So sánh các đơn vị"), "periods": report_periods, "period": period, "parent": parent,
               "rows": [], "indicators": [], "chosen": []}
    if period is None or parent is None:
        return render(request, "reports/report_compare.html", context)
    from reports.selectors import indicator_catalog_for_unit

    catalog = list(indicator_catalog_for_unit(parent).filter(is_active=True).order_by("sort_order", "code"))
    chosen_codes = [c for c in request.GET.getlist("code") if any(i.code == c for i in catalog)][:8]
    if not chosen_codes:
        chosen_codes = [i.code for i in catalog if i.is_typed][:4]
    chosen = [i for i in catalog if i.code in chosen_codes]
    bodies = list(bodies_in_reach.filter(unit__parent=parent).select_related("unit").order_by("unit__path", "name"))
    if not bodies:
        bodies = list(bodies_in_reach.filter(unit=parent).select_related("unit"))
    units = [b.unit for b in bodies]
    result = rollup.compare(units, period, chosen_codes)
    reports = {r.joint_body_id: r for r in access.restrict(Report, request.user).filter(
        period=period, joint_body__in=bodies)}
    rows, totals = [], {c: None for c in chosen_codes}
    summable = {i.code for i in chosen if i.aggregation != "ratio"}
    for body in bodies:
        values = result["values"].get(body.unit_id, {})
        done = result["completeness"].get(body.unit_id, {"expected": 0, "received": 0})
        for code in summable:
            if values.get(code) is not None:
                totals[code] = (totals[code] or Decimal(0)) + Decimal(values[code])
        rows.append({"body": body, "report": reports.get(body.pk), "completeness": done,
                     "cells": [(i, values.get(i.code)) for i in chosen]})
    expected = sum(r["completeness"]["expected"] for r in rows)
    received = sum(r["completeness"]["received"] for r in rows)
    context.update({
        "rows": rows, "indicators": catalog, "chosen": chosen, "chosen_codes": chosen_codes,
        "totals": [(i, totals[i.code]) for i in chosen], "total_completeness": {"expected": expected, "received": received},
        # the units whose bodies one may compare: those with bodies in reach just below them
        "parents": access.restrict(AdministrativeUnit, request.user).filter(
            children__joint_bodies__in=bodies_in_reach).distinct().order_by("path")[:50],
    })
    return render(request, "reports/report_compare.html", context)

