"""Views of the joint work programme: thin — access, one selector or service, render."""
from __future__ import annotations

import calendar
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST, require_safe

from khoi import access
from khoi.generic import Column, Filter, ObjectListView
from khoi.models import JointBody, Organization
from programme import forms, selectors, services
from programme.models import Activity, ActivityStatus, Overlap, WorkProgramme
from subcommittees.selectors import task_list_for_user


def _parse_date(raw: str) -> dt.date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except (TypeError, ValueError):
            continue
    return None


@login_required
@require_safe
def programme_index(request):
    programmes = list(selectors.programme_list_for_user(request.user)[:50])
    bodies = [b for b in access.restrict(JointBody, request.user, access.CHANGE).select_related("unit")]
    return render(request, "programme/programme_index.html", {
        "programmes": programmes, "bodies": bodies, "this_year": timezone.localdate().year,
    })


@login_required
@require_POST
def programme_create(request):
    body = access.get_for_user_or_404(request.user, access.CHANGE, JointBody, pk=request.POST.get("joint_body", 0) or 0)
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        messages.error(request, _("Năm không hợp lệ."))
        return HttpResponseRedirect(reverse("programme:programme_index"))
    programme = services.programme_get_or_create(actor=request.user, joint_body=body, year=year)
    return HttpResponseRedirect(programme.get_absolute_url())


def _programme(request, pk) -> WorkProgramme:
    return access.get_for_user_or_404(request.user, access.VIEW, WorkProgramme.objects.select_related("joint_body__unit"), pk=pk)


def _org_choices(user):
    return [(str(o.pk), o.name) for o in access.restrict(Organization, user).filter(memberships__isnull=False)
            .distinct().order_by("unit__path", "org_type__sort_order")[:100]]


def _org_in_reach(user, raw):
    return access.restrict(Organization, user).filter(pk=int(raw)).first() if raw.isdigit() else None


def _participants(activity) -> str:
    names = [o.org_type.short_name for o in activity.participants.all()]
    return ", ".join(names) or "—"


def _owner(activity) -> str:
    return activity.owner.short_name or activity.owner.name if activity.owner_id else _("Chung")


class ActivityListView(ObjectListView):
    """The programme of a year as a searchable, filterable list."""

    title = _lazy("Chương trình công tác")
    model = Activity
    template_name = "programme/activity_list.html"
    search_placeholder = _lazy("Tìm theo tên hoạt động (không cần dấu)")
    columns = [
        Column(_lazy("Thời gian"), "", render=lambda a: f"{a.end_date:%d/%m/%Y}" if a.start_date == a.end_date
               else f"{a.start_date:%d/%m} – {a.end_date:%d/%m/%Y}"),
        Column(_lazy("Hoạt động"), "title", link=True),
        Column(_lazy("Quy tắc"), "", render=lambda a: f"{a.rule.code} · {a.rule.get_mode_display()}"),
        Column(_lazy("Chủ trì"), "", render=_owner),
        Column(_lazy("Tham gia"), "", render=_participants),
        Column(_lazy("Trạng thái"), "get_status_display"),
    ]
    filters = [
        Filter("organization", _lazy("Tổ chức"), _org_choices, _org_in_reach),
        Filter("rule", _lazy("Loại việc"), lambda user: [("shared", _("Việc chung")), ("separate", _("Việc riêng"))]),
        Filter("status", _lazy("Trạng thái"), lambda user: list(ActivityStatus.choices)),
        Filter("date_from", _lazy("Từ ngày"), lambda user: [], lambda user, raw: _parse_date(raw)),
        Filter("date_to", _lazy("Đến ngày"), lambda user: [], lambda user, raw: _parse_date(raw)),
    ]

    @staticmethod
    def selector(user, **kwargs):
        return selectors.activity_list_for_user(user, **kwargs)

    def selector_kwargs(self, request):
        kwargs = super().selector_kwargs(request)
        kwargs["programme"] = self.programme
        sub = request.GET.get("subcommittee", "")
        if sub.isdigit():
            kwargs["subcommittee"] = sub
            self.active_filters["subcommittee"] = sub
        return kwargs

    def get(self, request, pk):
        self.programme = _programme(request, pk)
        return super().get(request)

    def extra_context(self, request):
        return _programme_context(request, self.programme, "list")


def _programme_context(request, programme, tab) -> dict:
    body = programme.joint_body
    can_add = services.can_add_activity(request.user, programme)
    return {
        "programme": programme, "body": body, "tab": tab,
        "can_add": can_add,
        "can_import": can_add,  # an organization imports only its own activities; rows are checked again
        "subcommittees": body.subcommittees.all(),
        "overlap_count": selectors.open_overlap_count(request.user),
    }


@login_required
@require_safe
def programme_month(request, pk):
    programme = _programme(request, pk)
    today = timezone.localdate()
    month_raw = request.GET.get("m", "")
    try:
        year, month = (int(x) for x in month_raw.split("-"))
        first = dt.date(year, month, 1)
    except ValueError:
        first = dt.date(programme.year, today.month if today.year == programme.year else 1, 1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    activities = list(selectors.activity_list_for_user(request.user, programme=programme, date_from=first, date_to=last))
    # Long activities (a campaign of months) would fill every cell: they are listed above the grid.
    long_running = [a for a in activities if (a.end_date - a.start_date).days >= 7]
    short = [a for a in activities if (a.end_date - a.start_date).days < 7]
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append([{"date": d, "in_month": d.month == first.month, "today": d == today,
                       "items": [a for a in short if a.start_date <= d <= a.end_date]} for d in week])
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = last + dt.timedelta(days=1)
    context = _programme_context(request, programme, "month")
    context.update({"weeks": weeks, "long_running": long_running, "first": first, "prev": prev_month, "next": next_month,
                    "weekday_names": [_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"),
                                      _("Chủ Nhật")]})
    return render(request, "programme/programme_month.html", context)


@login_required
@require_safe
def programme_week(request, pk):
    programme = _programme(request, pk)
    day = _parse_date(request.GET.get("d", "")) or (
        timezone.localdate() if timezone.localdate().year == programme.year else dt.date(programme.year, 1, 1))
    monday = day - dt.timedelta(days=day.weekday())
    sunday = monday + dt.timedelta(days=6)
    activities = list(selectors.activity_list_for_user(request.user, programme=programme, date_from=monday, date_to=sunday))
    long_running = [a for a in activities if (a.end_date - a.start_date).days >= 7]
    short = [a for a in activities if (a.end_date - a.start_date).days < 7]
    days = [{"date": monday + dt.timedelta(days=i),
             "items": [a for a in short if a.start_date <= monday + dt.timedelta(days=i) <= a.end_date]}
            for i in range(7)]
    context = _programme_context(request, programme, "week")
    context.update({"days": days, "long_running": long_running, "monday": monday, "sunday": sunday,
                    "prev": monday - dt.timedelta(days=7), "next": monday + dt.timedelta(days=7)})
    return render(request, "programme/programme_week.html", context)


def _render_form(request, programme, form, activity, conflict=None, status=200):
    owner = form.cleaned_data.get("owner") if hasattr(form, "cleaned_data") else None
    joinable = bool(conflict and owner and not conflict.participants.filter(pk=owner.pk).exists())
    return render(request, "programme/activity_form.html", {
        "form": form, "programme": programme, "object": activity, "conflict": conflict, "conflict_joinable": joinable,
        "cancel_url": activity.get_absolute_url() if activity else programme.get_absolute_url(),
    }, status=status)


@login_required
def activity_create(request, pk):
    programme = _programme(request, pk)
    if not services.can_add_activity(request.user, programme):
        raise PermissionDenied
    return _activity_edit(request, programme, None)


@login_required
def activity_edit(request, pk):
    activity = access.get_for_user_or_404(request.user, access.CHANGE, Activity.objects.select_related("programme__joint_body"), pk=pk)
    return _activity_edit(request, activity.programme, activity)


def _activity_edit(request, programme, activity):
    form_kwargs = {"user": request.user, "programme": programme, "instance": activity}
    if request.method != "POST":
        initial = {}
        if request.GET.get("start"):
            initial["start_date"] = initial["end_date"] = _parse_date(request.GET["start"])
        return _render_form(request, programme, forms.ActivityForm(initial=initial, **form_kwargs), activity)
    form = forms.ActivityForm(request.POST, **form_kwargs)
    if not form.is_valid():
        return _render_form(request, programme, form, activity, status=400)
    try:
        saved = services.activity_save(actor=request.user, programme=programme, activity=activity, **form.service_kwargs())
    except services.SharedMatterConflict as conflict:
        form.add_error(None, conflict)
        return _render_form(request, programme, form, activity, conflict=conflict.joint, status=409)
    except PermissionDenied:
        form.add_error(None, _("Bạn không có quyền lập hoạt động này (việc chung do thủ trưởng, trưởng tiểu ban lập; "
                               "việc riêng do cán bộ của chính tổ chức đó lập)."))
        return _render_form(request, programme, form, activity, status=403)
    except ValidationError as error:
        form.add_error(None, error) if not hasattr(error, "error_dict") else _add_field_errors(form, error)
        return _render_form(request, programme, form, activity, status=400)
    overlaps = selectors.overlap_list_for_user(request.user).filter(first=saved) | selectors.overlap_list_for_user(
        request.user).filter(second=saved)
    if overlaps.exists():
        messages.warning(request, _("Hoạt động đã lưu nhưng có dấu hiệu trùng lặp với hoạt động của tổ chức khác: "
                                    "thủ trưởng sẽ xem xét ở trang “Trùng lặp”."))
    else:
        messages.success(request, _("Đã lưu hoạt động."))
    return HttpResponseRedirect(saved.get_absolute_url())


def _add_field_errors(form, error):
    for field, errors in error.error_dict.items():
        target = field if field in form.fields else None
        for e in errors:
            form.add_error(target, e)


@login_required
@require_safe
def activity_detail(request, pk):
    activity = access.get_for_user_or_404(
        request.user, access.VIEW,
        Activity.objects.select_related("rule", "owner", "subcommittee", "programme__joint_body", "merged_into",
                                        "created_by"),
        pk=pk,
    )
    overlaps = [o for o in selectors.overlap_list_for_user(request.user, status="")
                if activity.pk in (o.first_id, o.second_id)]
    history = activity.history.select_related("history_user").order_by("-history_date")[:30]
    my_orgs = [o for o in activity.programme.joint_body.members.all()
               if access.can(request.user, access.CHANGE, Activity(programme=activity.programme, owner=o))]
    return render(request, "programme/activity_detail.html", {
        "activity": activity,
        "participants": activity.participants.select_related("org_type"),
        "areas": activity.areas.all(),
        "tasks": task_list_for_user(request.user, activity=activity),
        "overlaps": overlaps,
        "history": history,
        "exception": getattr(activity, "shared_exception", None) if hasattr(activity, "shared_exception") else None,
        "can_change": access.can(request.user, access.CHANGE, activity),
        "joinable": [o for o in my_orgs if activity.is_joint and o not in activity.participants.all()],
        "merged_from": activity.merged_from.all(),
        "attachments": activity.attachments.select_related("uploaded_by"),
        "attach_form": forms.AttachmentForm(),
    })


@login_required
@require_POST
def activity_join(request, pk):
    joint = access.get_for_user_or_404(request.user, access.VIEW, Activity, pk=pk)
    organization = access.get_for_user_or_404(request.user, access.VIEW, Organization, pk=request.POST.get("organization", 0) or 0)
    try:
        services.activity_join(actor=request.user, joint=joint, organization=organization)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(org)s tham gia hoạt động chung “%(title)s”.") % {"org": organization.name, "title": joint.title})
    return HttpResponseRedirect(joint.get_absolute_url())


@login_required
@require_safe
def overlap_list(request):
    status = request.GET.get("status", "open")
    overlaps = list(selectors.overlap_list_for_user(request.user, status=status if status != "all" else ""))
    manageable = {o.pk for o in overlaps if access.can(request.user, access.CHANGE, o)}
    return render(request, "programme/overlap_list.html", {
        "overlaps": overlaps, "manageable": manageable, "status": status,
        "merge_forms": {o.pk: forms.MergeForm(unit=o.first.programme.joint_body.unit,
                                              initial={"title": o.first.title}) for o in overlaps if o.pk in manageable},
    })


def _overlap(request, pk) -> Overlap:
    return access.get_for_user_or_404(request.user, access.CHANGE,
                                      Overlap.objects.select_related("first__programme__joint_body__unit", "second"), pk=pk)


def _after_overlap(request, call, success: str):
    try:
        result = call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(reverse("programme:overlap_list"))
    messages.success(request, success)
    return HttpResponseRedirect(result.get_absolute_url() if isinstance(result, Activity) else reverse("programme:overlap_list"))


@login_required
@require_POST
def overlap_merge(request, pk):
    overlap = _overlap(request, pk)
    form = forms.MergeForm(request.POST, unit=overlap.first.programme.joint_body.unit)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn quy tắc “chung” cho hoạt động gộp."))
        return HttpResponseRedirect(reverse("programme:overlap_list"))
    return _after_overlap(request, lambda: services.overlap_merge(actor=request.user, overlap=overlap, **form.cleaned_data),
                          _("Đã gộp thành một hoạt động chung; các tổ chức đều là tổ chức tham gia."))


@login_required
@require_POST
def overlap_keep(request, pk):
    overlap = _overlap(request, pk)
    form = forms.KeepForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _after_overlap(request, lambda: services.overlap_keep(actor=request.user, overlap=overlap, reason=reason),
                          _("Đã ghi nhận giữ cả hai hoạt động."))


@login_required
@require_POST
def overlap_move(request, pk):
    overlap = _overlap(request, pk)
    form = forms.MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ngày không hợp lệ (dd/mm/yyyy)."))
        return HttpResponseRedirect(reverse("programme:overlap_list"))
    activity = overlap.first if form.cleaned_data["activity"] == overlap.first_id else overlap.second
    return _after_overlap(request, lambda: services.overlap_move(
        actor=request.user, overlap=overlap, activity=activity,
        start_date=form.cleaned_data["start_date"], end_date=form.cleaned_data["end_date"]),
        _("Đã dời hoạt động."))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def programme_export(request, pk):
    programme = _programme(request, pk)
    from programme import excel

    activities = selectors.activity_list_for_user(request.user, programme=programme)
    return _xlsx_response(excel.programme_workbook(programme, activities), f"chuong-trinh-cong-tac-{programme.year}.xlsx")


DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@login_required
@require_safe
def programme_document(request, pk, fmt):
    """The programme as PDF or Word: the rows of the Excel download, A4 landscape, in Vietnamese."""
    programme = _programme(request, pk)
    from programme import documents

    activities = selectors.activity_list_for_user(request.user, programme=programme)
    doc = documents.programme_document(programme, activities)
    render = documents.render_pdf if fmt == "pdf" else documents.render_docx
    response = HttpResponse(render(doc), content_type=DOCUMENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="chuong-trinh-cong-tac-{programme.year}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_safe
def programme_template(request, pk):
    programme = _programme(request, pk)
    from programme import excel

    return _xlsx_response(excel.template_workbook(programme), f"mau-nhap-chuong-trinh-{programme.year}.xlsx")


@login_required
def programme_import(request, pk):
    """Upload a filled template: all rows or none; every bad row is listed with its number."""
    programme = _programme(request, pk)
    from programme import excel

    if not services.can_add_activity(request.user, programme):
        raise PermissionDenied  # each row is checked again: an organization imports only its own activities
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    if request.method == "POST" and form.is_valid():
        result = excel.import_workbook(actor=request.user, programme=programme, file=form.cleaned_data["file"])
        if not result.errors:
            messages.success(request, _("Đã nhập %(n)s hoạt động.") % {"n": result.created})
            return HttpResponseRedirect(programme.get_absolute_url())
        status = 400
    context = _programme_context(request, programme, "import")
    context.update({"form": form, "result": result})
    return render(request, "programme/programme_import.html", context, status=status)


@login_required
@require_POST
def activity_attach(request, pk):
    activity = access.get_for_user_or_404(request.user, access.CHANGE, Activity, pk=pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.activity_attach(actor=request.user, activity=activity, file=form.cleaned_data["file"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã đính kèm tệp."))
    else:
        messages.error(request, _("Hãy chọn một tệp."))
    return HttpResponseRedirect(activity.get_absolute_url())


@login_required
@require_safe
def attachment_download(request, pk):
    """Files are served only through this check, never from a public media URL."""
    from django.http import FileResponse

    from programme.models import ActivityAttachment

    attachment = ActivityAttachment.objects.select_related("activity").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    access.get_for_user_or_404(request.user, access.VIEW, Activity, pk=attachment.activity_id)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
