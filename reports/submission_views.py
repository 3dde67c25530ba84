"""Views of the indicator catalog and of organizations' submissions: thin — access through
khoi.access, one selector or service, render. Out of reach → 404; seen but not allowed → 403."""
from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from khoi import access
from khoi.generic import Column, Filter, ObjectEditView, ObjectListView
from khoi.models import AdministrativeUnit, JointBody, Organization, OrganizationType
from reports import catalog, forms, periods, selectors, services
from reports.models import Aggregation, Indicator, ReportTemplate, Submission, SubmissionStatus, ValueType

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------- the indicator catalog


def _org_type_choices(user):
    return [(t.code, t.short_name) for t in OrganizationType.objects.exclude(kind="party_board").order_by("sort_order")]


def _reporters(ind: Indicator) -> str:
    if not ind.reported_by:
        return _("Tất cả")
    return ", ".join(ind.reporter_codes) + (" · " + _("chung") if ind.is_shared else "")


class IndicatorListView(ObjectListView):
    title = _lazy("Danh mục chỉ tiêu báo cáo")
    model = Indicator
    selector = selectors.indicator_list_for_user
    search_placeholder = _lazy("Tìm theo mã hoặc tên chỉ tiêu (không cần dấu)")
    template_name = "reports/indicator_list.html"
    columns = [
        Column(_lazy("Mã"), "code"),
        Column(_lazy("Chỉ tiêu"), "name", link=True),
        Column(_lazy("Đơn vị tính"), "unit_label"),
        Column(_lazy("Tổng hợp"), "", render=lambda i: i.get_aggregation_display() + (
            f" ({i.numerator.code}/{i.denominator.code})" if i.aggregation == Aggregation.RATIO else "")),
        Column(_lazy("Tổ chức báo cáo"), "", render=_reporters),
        Column(_lazy("Nguồn số liệu"), "", render=lambda i: _("Phần mềm tự đếm") if i.auto_source else (
            _("Tự tính") if i.aggregation == Aggregation.RATIO else _("Nhập"))),
        Column(_lazy("Đang dùng"), "", render=lambda i: _("Có") if i.is_active else _("Không")),
        Column(_lazy("Danh mục"), "", render=lambda i: i.catalog_unit.name if i.catalog_unit_id else _("Mặc định")),
    ]
    filters = [
        Filter("group", _lazy("Nhóm"), lambda user: [(g, g) for g in catalog.GROUPS.values()]),
        Filter("aggregation", _lazy("Cách tổng hợp"), lambda user: list(Aggregation.choices)),
        Filter("org", _lazy("Tổ chức"), _org_type_choices),
        Filter("active", _lazy("Đang dùng"), lambda user: [("yes", _("Đang dùng")), ("no", _("Không dùng"))]),
        Filter("catalog", _lazy("Danh mục"), lambda user: [("default", _("Mặc định"))] + [
            (str(u.pk), u.name) for u in AdministrativeUnit.objects.filter(
                pk__in=access.restrict(Indicator, user).filter(catalog_unit__isnull=False).values("catalog_unit_id"))
        ]),
    ]

    def extra_context(self, request):
        root = access.own_catalog_root(request.user)
        has_own = root is not None and Indicator.objects.filter(catalog_unit=root).exists()
        return {"adoptable": root if root and not has_own else None, "own_catalog": root if has_own else None}


@login_required
@require_safe
def indicator_detail(request, pk):
    indicator = access.get_for_user_or_404(
        request.user, access.VIEW,
        Indicator.objects.select_related("catalog_unit", "numerator", "denominator", "not_above"), pk=pk)
    history = indicator.history.select_related("history_user").order_by("-history_date")[:50]
    from reports import auto

    return render(request, "reports/indicator_detail.html", {
        "indicator": indicator, "history": history, "reporters": _reporters(indicator),
        "auto_label": auto.LABELS.get(indicator.auto_source, indicator.auto_source),
        "can_change": access.can(request.user, access.CHANGE, indicator),
        "adoptable": access.own_catalog_root(request.user) if indicator.catalog_unit_id is None else None,
    })


@login_required
@require_POST
def indicator_adopt(request):
    root = access.own_catalog_root(request.user)
    if root is None:
        raise PermissionDenied
    services.indicator_catalog_adopt(actor=request.user, catalog_unit=root)
    messages.success(request, _("Đã tạo danh mục chỉ tiêu riêng của %(unit)s từ danh mục mặc định; có thể chỉnh sửa.")
                     % {"unit": root.name})
    return HttpResponseRedirect(reverse("reports:indicator_list") + f"?catalog={root.pk}")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_settings(request):
    """The report template in force for the user's province: read by everyone, changed by the
    head of a province-level body (the administrator: the shipped default)."""
    province = access.own_catalog_root(request.user)
    if province is None and not access.is_admin(request.user):
        roots = {g.root_id for g in access.grants(request.user)}
        reader_province = AdministrativeUnit.objects.filter(pk__in=roots).order_by("path").first()
        template = selectors.template_for(reader_province) if reader_province else selectors.template_for_default()
    else:
        template = selectors.template_for(province) if province else selectors.template_for_default()
    can_change = access.can(request.user, access.CHANGE, ReportTemplate(province=province))
    status = 200
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        form = forms.ReportTemplateForm(request.POST, instance=ReportTemplate(province=province))
        if form.is_valid():
            fields = {f: form.cleaned_data[f] for f in form.Meta.fields}
            try:
                services.report_template_save(actor=request.user, province=province, **fields)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Đã lưu cách tính kỳ báo cáo. Các kỳ đã dùng giữ nguyên ngày của mình."))
                return HttpResponseRedirect(reverse("reports:report_settings"))
        status = 400
    else:
        form = forms.ReportTemplateForm(instance=template)
        if not can_change:
            for field in form.fields.values():
                field.disabled = True
    return render(request, "reports/report_settings.html", {
        "form": form, "template": template, "province": province, "can_change": can_change,
        "history": template.history.select_related("history_user").order_by("-history_date")[:10] if template.pk else [],
    }, status=status)


class IndicatorEditView(ObjectEditView):
    cancel_url_name = "reports:indicator_list"
    model = Indicator
    form_class = forms.IndicatorForm
    service = services.indicator_save
    instance_kw = "indicator"
    title_create = _lazy("Thêm chỉ tiêu")
    title_edit = _lazy("Sửa chỉ tiêu")

    def service_kwargs(self, form):
        kwargs = super().service_kwargs(form)
        if form.instance.pk is None:
            kwargs["catalog_unit"] = access.own_catalog_root(self.request.user)
        return kwargs


# ---------------------------------------------------------------- submissions


def _period_choices(user):
    codes = (access.restrict(Submission, user).filter(is_current=True).order_by("-period__start")
             .values_list("period__code", flat=True).distinct()[:36])
    return [(c, periods.label(c)) for c in dict.fromkeys(codes)]


def _org_choices(user):
    orgs = (access.restrict(Organization, user).filter(pk__in=access.restrict(Submission, user).values("organization_id"))
            .select_related("unit").order_by("unit__path", "org_type__sort_order")[:200])
    return [(str(o.pk), o.name) for o in orgs]


def _org_in_reach(user, raw):
    return access.restrict(Organization, user).filter(pk=int(raw)).first() if raw.isdigit() else None


def _status_cell(s: Submission) -> str:
    label = s.get_status_display()
    return f"{label} · {_('trễ hạn')}" if s.is_late else label


class SubmissionListView(ObjectListView):
    title = _lazy("Số liệu báo cáo")
    model = Submission
    selector = selectors.submission_list_for_user
    search_placeholder = _lazy("Tìm theo tên tổ chức (không cần dấu)")
    template_name = "reports/submission_list.html"
    columns = [
        Column(_lazy("Kỳ"), "", render=lambda s: str(s.period)),
        Column(_lazy("Tổ chức"), "organization.name", link=True),
        Column(_lazy("Địa bàn"), "organization.unit.name"),
        Column(_lazy("Lần"), "revision"),
        Column(_lazy("Trạng thái"), "", render=_status_cell),
        Column(_lazy("Hạn nộp"), "", render=lambda s: s.period.deadline.strftime("%d/%m/%Y")),
        Column(_lazy("Gửi lúc"), "", render=lambda s: timezone.localtime(s.submitted_at).strftime("%H:%M %d/%m/%Y")
               if s.submitted_at else ""),
    ]
    filters = [
        Filter("period", _lazy("Kỳ"), _period_choices),
        Filter("organization", _lazy("Tổ chức"), _org_choices, _org_in_reach),
        Filter("status", _lazy("Trạng thái"), lambda user: list(SubmissionStatus.choices)),
        Filter("late", _lazy("Trễ hạn"), lambda user: [("yes", _("Trễ hạn")), ("no", _("Đúng hạn"))]),
    ]

    def extra_context(self, request):
        mine = access.restrict(Organization, request.user).filter(
            pk__in=[g.organization_id for g in access.grants(request.user) if g.organization_id and g.role == access.STAFF])
        if access.is_admin(request.user):
            mine = Organization.objects.none()
        if not mine:
            return {"start_form": None}
        own = list(mine.select_related("unit")[:2])
        first = own[0]
        template = selectors.template_for(first.unit)
        # the current period, or the last one of an organization that has ended (the 2025 reform)
        day = min(d for d in (timezone.localdate(), first.valid_to, first.unit.valid_to) if d is not None)
        initial = {"period": periods.code_for(template.submission_kind, day, template.cutoff_day)}
        if len(own) == 1:
            initial["organization"] = first.pk
        return {"start_form": forms.SubmissionStartForm(organizations=mine, initial=initial)}


@login_required
@require_POST
def submission_start(request):
    """Open the organization's submission for a period (a new draft if there is none)."""
    organization = access.get_for_user_or_404(
        request.user, access.VIEW, Organization.objects.select_related("unit", "org_type"),
        pk=request.POST.get("organization", "") if str(request.POST.get("organization", "")).isdigit() else 0)
    access.ensure(request.user, access.CHANGE, Submission(organization=organization))
    form = forms.SubmissionStartForm(request.POST, organizations=Organization.objects.filter(pk=organization.pk))
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return HttpResponseRedirect(reverse("reports:submission_list"))
    try:
        period = services.submission_period(selectors.template_for(organization.unit), form.cleaned_data["period"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return HttpResponseRedirect(reverse("reports:submission_list"))
    submission = services.submission_get_or_create(actor=request.user, organization=organization, period=period)
    return HttpResponseRedirect(submission.get_absolute_url())


def _ratio(ind: Indicator, values: dict) -> Decimal | None:
    num, den = values.get(ind.numerator.code), values.get(ind.denominator.code)
    if isinstance(num, Decimal) and isinstance(den, Decimal) and den > 0:
        return (num * 100 / den).quantize(Decimal("0.1"))
    return None


def _shown(ind: Indicator, value):
    return services.format_number(value) if isinstance(value, Decimal) else value


def _detail_context(request, submission: Submission, form=None, errors=None) -> dict:
    rows = selectors.submission_rows(submission)
    typed = [r.indicator for r in rows if r.indicator.is_typed]
    values = {r.indicator.code: r.value for r in rows if r.indicator.is_typed}
    typed_codes = set(values)
    for r in rows:  # the app's counts take part in ratios and cross-checks like typed figures
        if r.auto is not None:
            values[r.indicator.code] = Decimal(r.auto)
    previous = {r.indicator.code: r.previous.value for r in rows if r.previous is not None}
    checked = services.check_figures(typed, {c: v for c, v in values.items() if c in typed_codes and v is not None},
                                     previous=previous, jump_factor=submission.period.template.jump_factor)
    if form is None:
        form = forms.FiguresForm(indicators=typed, initial={
            **{code: services.format_number(v) if isinstance(v, Decimal) else (v or "") for code, v in values.items()
               if code in typed_codes},
            "note": submission.note})
    errors = errors if errors is not None else {}
    lines = []
    for r in rows:
        ind = r.indicator
        lines.append({
            "row": r, "indicator": ind,
            "field": form[ind.code] if ind.code in form.fields else None,
            "ratio": _ratio(ind, values) if ind.aggregation == Aggregation.RATIO else None,
            "previous": _shown(ind, r.previous.text if ind.value_type == ValueType.TEXT else r.previous.value)
            if r.previous else None,
            "errors": errors.get(ind.code, []),
            "warnings": checked.warnings.get(ind.code, []) if not errors else [],
        })
    editable = submission.is_current and submission.status in services.EDITABLE
    return {
        "submission": submission, "form": form, "lines": lines,
        "can_edit": editable and access.can(request.user, access.CHANGE, submission),
        "can_decide": submission.is_current and submission.status == SubmissionStatus.SUBMITTED
        and access.can(request.user, access.APPROVE, submission),
        "can_correct": submission.is_current and submission.status == SubmissionStatus.APPROVED
        and access.can(request.user, access.CHANGE, submission),
        "revisions": selectors.revisions(submission),
        "return_form": forms.ReturnForm(),
        "other_errors": [m for code, ms in errors.items() if code not in form.fields for m in ms],
        "has_errors": bool(errors),
    }


@login_required
def submission_detail(request, pk):
    """The submission page: per indicator the input, the previous period's value, the app's
    count; POST saves the typed figures (draft or returned only)."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    if request.method != "POST":
        submission = selectors.submission_get(request.user, pk)
        return render(request, "reports/submission_detail.html", _detail_context(request, submission))
    submission = selectors.submission_get(request.user, pk, access.CHANGE)
    indicators = selectors.indicators_for_organization(submission.organization)
    form = forms.FiguresForm(request.POST, indicators=indicators)
    if not form.is_valid():
        return render(request, "reports/submission_detail.html", _detail_context(request, submission, form, {}), status=400)
    try:
        checked = services.save_figures(actor=request.user, submission=submission, values=form.values(),
                                        note=form.cleaned_data.get("note", ""))
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return render(request, "reports/submission_detail.html", _detail_context(request, submission, form, errors),
                      status=400)
    for messages_ in checked.warnings.values():
        for message in messages_:
            messages.warning(request, message)
    messages.success(request, _("Đã lưu số liệu."))
    return HttpResponseRedirect(submission.get_absolute_url())


def _after(request, submission, call, success: str):
    try:
        result = call()
    except ValidationError as error:
        texts = [m for ms in error.message_dict.values() for m in ms] if hasattr(error, "error_dict") else error.messages
        for message in texts[:10]:
            messages.error(request, message)
        if len(texts) > 10:
            messages.error(request, _("… và %(n)s lỗi khác.") % {"n": len(texts) - 10})
        return HttpResponseRedirect(submission.get_absolute_url())
    messages.success(request, success)
    target = result if isinstance(result, Submission) else submission
    return HttpResponseRedirect(target.get_absolute_url())


@login_required
@require_POST
def submission_submit(request, pk):
    submission = selectors.submission_get(request.user, pk, access.CHANGE)
    return _after(request, submission, lambda: services.submit(actor=request.user, submission=submission),
                  _("Đã gửi số liệu; chờ lãnh đạo tổ chức duyệt."))


@login_required
@require_POST
def submission_approve(request, pk):
    submission = selectors.submission_get(request.user, pk, access.APPROVE)
    return _after(request, submission, lambda: services.approve(actor=request.user, submission=submission),
                  _("Đã duyệt số liệu."))


@login_required
@require_POST
def submission_return(request, pk):
    submission = selectors.submission_get(request.user, pk, access.APPROVE)
    comment = request.POST.get("comment", "")
    return _after(request, submission,
                  lambda: services.return_submission(actor=request.user, submission=submission, comment=comment),
                  _("Đã trả lại số liệu kèm lý do."))


@login_required
@require_POST
def submission_correct(request, pk):
    submission = selectors.submission_get(request.user, pk, access.CHANGE)
    return _after(request, submission, lambda: services.correct(actor=request.user, submission=submission),
                  _("Đã tạo bản điều chỉnh; bản đã duyệt được giữ lại."))


@login_required
@require_safe
def submission_template(request, pk):
    submission = selectors.submission_get(request.user, pk)
    from reports import excel

    response = HttpResponse(excel.template_workbook(submission), content_type=XLSX)
    filename = f"so-lieu-{submission.period.code}-{submission.organization.org_type.code.lower()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def submission_import(request, pk):
    """Upload a filled template: all rows or none; every bad row is listed with its number."""
    submission = selectors.submission_get(request.user, pk, access.CHANGE)
    from reports import excel

    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            result = excel.import_workbook(actor=request.user, submission=submission, file=form.cleaned_data["file"])
            if result.ok:
                for warning in result.warnings:
                    messages.warning(request, warning)
                messages.success(request, _("Đã nhập %(n)s số liệu từ tệp Excel.") % {"n": result.saved})
                return HttpResponseRedirect(submission.get_absolute_url())
    return render(request, "reports/submission_import.html",
                  {"submission": submission, "form": form, "result": result}, status=status)


# ---------------------------------------------------------------- completeness


@login_required
@require_safe
def period_completeness(request, pk):
    """Member organizations × submission periods of a joint body: submitted, approved, late."""
    body = access.get_for_user_or_404(request.user, access.VIEW, JointBody.objects.select_related("unit"), pk=pk)
    template = selectors.template_for(body.unit)
    today = timezone.localdate()
    # a quarter of monthly or quarterly figures; the current half or year of half-year or year figures
    default_kind = "quarter" if template.submission_kind in ("month", "quarter") else template.submission_kind
    default = periods.code_for(default_kind, today, template.cutoff_day)
    code = request.GET.get("period", "").strip() or default
    try:
        code = periods.parse(code).code
        table = selectors.completeness(body, code)
    except periods.PeriodCodeError as error:  # a bad code, or one the submissions cannot make up
        messages.error(request, str(error))
        code = default
        table = selectors.completeness(body, code)
    return render(request, "reports/period_completeness.html", {
        "body": body, "table": table, "period_code": code, "period_label": periods.label(code),
        "totals": table.totals,
    })
