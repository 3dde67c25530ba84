"""Views of the single point of contact ("đầu mối"): citizens' cases, the public lookup page,
and the household import with its duplicates page. Thin: access, one selector or service, render."""
from __future__ import annotations

import datetime as dt
import hashlib
import time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from campaigns import importer, selectors, services
from campaigns.models import Campaign, Case, CaseStatus, Household
from khoi import access, text
from khoi.forms import DATE_WIDGET
from khoi.generic import Column, Filter, ObjectListView
from khoi.models import Organization, Person
from subcommittees.services import assignable_people

DEFAULT_ANSWER_DAYS = 15


# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------

def national_phone(raw: str) -> str:
    """"+84 912 345 678" → "0912345678": the form in which cases keep phone numbers (digits only)."""
    digits = services.phone_digits(raw)
    return "0" + digits[2:] if raw.strip().startswith("+84") else digits


def _deadline(case: Case) -> str:
    overdue = case.status == CaseStatus.OPEN and case.deadline < timezone.localdate()
    return f"{case.deadline:%d/%m/%Y}" + (f" · {_('quá hạn')}" if overdue else "")


class CaseListView(ObjectListView):
    title = _lazy("Hồ sơ đầu mối")
    model = Case
    template_name = "campaigns/case_list.html"
    search_placeholder = _lazy("Tìm theo số hồ sơ hoặc chủ đề (không cần dấu)")
    columns = [
        Column(_lazy("Số hồ sơ"), "reference", link=True),
        Column(_lazy("Chủ đề"), "topic"),
        Column(_lazy("Người gửi"), "citizen_name"),
        Column(_lazy("Người phụ trách"), "responsible.full_name"),
        Column(_lazy("Hạn trả lời"), "", render=_deadline),
        Column(_lazy("Trạng thái"), "get_status_display"),
    ]
    filters = [Filter("status", _lazy("Trạng thái"), lambda user: list(CaseStatus.choices))]
    selector = selectors.case_list_for_user


class CaseForm(forms.Form):
    topic = forms.CharField(label=_lazy("Chủ đề"), max_length=200,
                            help_text=_lazy("Ví dụ: Mức bồi thường đất vườn. Một hộ, một chủ đề: một hồ sơ."))
    citizen_name = forms.CharField(label=_lazy("Người gửi"), max_length=120)
    phone = forms.CharField(label=_lazy("Điện thoại"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
                            help_text=_lazy("Người dân tra cứu hồ sơ bằng số hồ sơ và số điện thoại này."))
    content = forms.CharField(label=_lazy("Nội dung"), widget=forms.Textarea(attrs={"rows": 4}))
    household = forms.ModelChoiceField(label=_lazy("Hộ dân"), queryset=Household.objects.none(), required=False,
                                       empty_label=_lazy("— Không gắn với hộ nào —"))
    responsible = forms.ModelChoiceField(label=_lazy("Người phụ trách trả lời"), queryset=Person.objects.none())
    organizations = forms.ModelMultipleChoiceField(label=_lazy("Tổ chức liên quan"), queryset=Organization.objects.none(),
                                                   required=False, widget=forms.CheckboxSelectMultiple)
    deadline = forms.DateField(label=_lazy("Hạn trả lời"), widget=DATE_WIDGET)

    def __init__(self, *args, user, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        body = campaign.joint_body
        households = selectors.household_list_for_user(user, campaign=campaign).order_by("area__name", "search_name")
        self.fields["household"].queryset = households
        self.fields["household"].label_from_instance = (
            lambda h: f"{h.head_name} — {h.address}" + ("" if h.area.name in h.address else f", {h.area.name}")
            if h.address else f"{h.head_name} — {h.area.name}")
        self.fields["responsible"].queryset = assignable_people(body).order_by("search_name")
        self.fields["organizations"].queryset = body.members.select_related("org_type").order_by("org_type__sort_order")
        self.fields["organizations"].label_from_instance = lambda o: o.name

    def clean_phone(self):
        return national_phone(self.cleaned_data["phone"])

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("Hạn trả lời không được ở quá khứ."))
        return deadline


def _campaign(request, pk, action=access.VIEW) -> Campaign:
    return access.get_for_user_or_404(request.user, action, Campaign.objects.select_related("joint_body__unit"), pk=pk)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for e in errors:
                form.add_error(name if name in form.fields else None, e)
    else:
        form.add_error(None, error)


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request, pk):
    """Record a citizen's question once, under the campaign."""
    campaign = _campaign(request, pk)
    if not access.can(request.user, access.CHANGE, Case(joint_body=campaign.joint_body, campaign=campaign)):
        raise PermissionDenied
    kwargs = {"user": request.user, "campaign": campaign}
    if request.method != "POST":
        initial = {"deadline": timezone.localdate() + dt.timedelta(days=DEFAULT_ANSWER_DAYS)}
        raw = request.GET.get("household", "")  # "open a case" from a household's page
        household = None
        if raw.isdigit():
            household = CaseForm(**kwargs).fields["household"].queryset.filter(pk=raw).first()
        if household is not None:
            initial.update({"household": household.pk, "citizen_name": household.head_name, "phone": household.phone,
                            "responsible": household.team.leader_id if household.team_id else None})
        return _render_case_form(request, campaign, CaseForm(initial=initial, **kwargs))
    form = CaseForm(request.POST, **kwargs)
    if not form.is_valid():
        return _render_case_form(request, campaign, form, status=400)
    data = form.cleaned_data
    try:
        case = services.case_open(actor=request.user, campaign=campaign, topic=data["topic"],
                                  citizen_name=data["citizen_name"], phone=data["phone"], content=data["content"],
                                  responsible=data["responsible"], deadline=data["deadline"], household=data["household"],
                                  organizations=list(data["organizations"]))
    except ValidationError as error:
        _add_errors(form, error)
        existing = _same_topic_case(request.user, data)
        return _render_case_form(request, campaign, form, existing=existing, status=409 if existing else 400)
    except IntegrityError:  # two clerks recording the same question at the same moment
        existing = _same_topic_case(request.user, data)
        form.add_error(None, _("Hộ này đã có hồ sơ %(ref)s cùng chủ đề: một hộ, một chủ đề, một hồ sơ.")
                       % {"ref": existing.reference if existing else "—"})
        return _render_case_form(request, campaign, form, existing=existing, status=409)
    messages.success(request, _("Đã lập hồ sơ %(ref)s. Hãy báo cho người dân số hồ sơ để tra cứu tại %(url)s.")
                     % {"ref": case.reference, "url": request.build_absolute_uri(reverse("campaigns:case_lookup"))})
    return HttpResponseRedirect(case.get_absolute_url())


def _same_topic_case(user, data) -> Case | None:
    if data.get("household") is None:
        return None
    found = Case.objects.filter(household=data["household"], topic_key=text.fold(data["topic"])).first()
    return found if found and access.restrict(Case, user).filter(pk=found.pk).exists() else None


def _render_case_form(request, campaign, form, existing=None, status=200):
    household = form.initial.get("household") or (form.data.get("household") if form.is_bound else None)
    channels = []
    if household and str(household).isdigit():
        h = form.fields["household"].queryset.filter(pk=household).first()
        channels = services.other_channels(h) if h else []
    return render(request, "campaigns/case_form.html", {
        "form": form, "campaign": campaign, "existing": existing, "channels": channels,
        "cancel_url": campaign.get_absolute_url(),
    }, status=status)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_lazy("Trả lời"), widget=forms.Textarea(attrs={"rows": 5}),
                             help_text=_lazy("Người dân xem được nội dung này khi tra cứu: không ghi thông tin cá nhân của người khác."))
    close = forms.BooleanField(label=_lazy("Đóng hồ sơ (đã giải quyết xong)"), required=False)


def _case_for(request, pk) -> Case:
    """The case if the user may see it, or if the user is the person responsible for it."""
    qs = Case.objects.select_related("campaign", "household__area", "household__team", "responsible", "joint_body")
    person = getattr(request.user, "person", None)
    if person is not None:
        own = qs.filter(pk=pk, responsible=person).first()
        if own is not None:
            return own
    return access.get_for_user_or_404(request.user, access.VIEW, qs, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request, pk):
    case = _case_for(request, pk)
    may_answer = services.can_answer(request.user, case)
    form = None
    status = 200
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.case_answer(actor=request.user, case=case, answer=form.cleaned_data["answer"],
                                     close=form.cleaned_data["close"])
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Đã đóng hồ sơ.") if form.cleaned_data["close"] else _("Đã lưu trả lời."))
                return HttpResponseRedirect(case.get_absolute_url())
        status = 400
    elif may_answer:
        form = AnswerForm(initial={"answer": case.answer, "close": case.status == CaseStatus.CLOSED})
    household = case.household
    return render(request, "campaigns/case_detail.html", {
        "case": case,
        "form": form,
        "overdue": case.status == CaseStatus.OPEN and case.deadline < timezone.localdate(),
        "organizations": case.organizations.all(),
        "household_visible": household is not None and access.can(request.user, access.VIEW, household),
        "channels": services.other_channels(household) if household is not None else [],
        "history": case.history.select_related("history_user").order_by("-history_date")[:20],
        "lookup_url": request.build_absolute_uri(reverse("campaigns:case_lookup")),
    }, status=status)


# ---------------------------------------------------------------------------------------------
# The public lookup page (no login)
# ---------------------------------------------------------------------------------------------

LOOKUP_LIMIT = 20  # lookups per address and window
LOOKUP_WINDOW = 10 * 60  # seconds


class LookupForm(forms.Form):
    reference = forms.CharField(label=_lazy("Số hồ sơ"), max_length=30, widget=forms.TextInput(attrs={
        "placeholder": "DH-2020-000123", "autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}))
    phone = forms.CharField(label=_lazy("Số điện thoại đã khai khi gửi"), max_length=20, widget=forms.TextInput(attrs={
        "inputmode": "tel", "autocomplete": "tel", "placeholder": "09xx xxx xxx"}))


def _lookup_allowed(request) -> tuple[bool, int]:
    """A naive fixed window per client address, kept in the shared cache: (allowed, seconds to wait)."""
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    key = "case_lookup:" + hashlib.sha256(address.encode()).hexdigest()[:32]
    now = time.time()
    started, count = cache.get(key) or (now, 0)
    if now - started >= LOOKUP_WINDOW:
        started, count = now, 0
    count += 1
    remaining = max(1, int(LOOKUP_WINDOW - (now - started)))
    cache.set(key, (started, count), timeout=remaining + 1)
    return count <= LOOKUP_LIMIT, remaining


@never_cache
@require_http_methods(["GET", "POST"])
def case_lookup(request):
    """A citizen sees the status, the deadline and the answer of their case — nothing else —
    given both its reference and the phone number; any wrong pair gives the same answer."""
    form = LookupForm(request.POST or None)
    context = {"form": form, "case": None, "not_found": False, "limited": False}
    status = 200
    if request.method == "POST":
        allowed, wait = _lookup_allowed(request)
        if not allowed:
            context.update({"limited": True, "form": LookupForm(), "wait_minutes": (wait + 59) // 60})
            response = render(request, "campaigns/lookup.html", context, status=429)
            response["Retry-After"] = str(wait)
            return _private(response)
        if form.is_valid():
            case = selectors.case_public_lookup(form.cleaned_data["reference"], national_phone(form.cleaned_data["phone"]))
            if case is None:  # the same answer whichever of the two was wrong; the phone is not echoed
                context["not_found"] = True
                context["form"] = LookupForm(initial={"reference": form.cleaned_data["reference"]})
            else:
                context["case"] = {"status": case.status, "status_label": case.get_status_display(),
                                   "deadline": case.deadline, "answer": case.answer,
                                   "overdue": case.status == CaseStatus.OPEN and case.deadline < timezone.localdate()}
                context["form"] = LookupForm(initial={"reference": form.cleaned_data["reference"]})
        else:
            status = 400
    return _private(render(request, "campaigns/lookup.html", context, status=status))


def _private(response: HttpResponse) -> HttpResponse:
    # (no "Referrer-Policy: no-referrer": browsers would then send "Origin: null" and fail the CSRF check)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# ---------------------------------------------------------------------------------------------
# Household import and duplicates
# ---------------------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(label=_lazy("Tệp Excel (.xlsx) hoặc CSV (UTF-8)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))


def _result_key(campaign) -> str:
    return f"household_import:{campaign.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def household_import(request, pk):
    """Upload a file of households: all rows or none; every bad row listed with its number."""
    campaign = _campaign(request, pk, access.CHANGE)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = errors = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result = importer.import_households(actor=request.user, campaign=campaign, file=form.cleaned_data["file"])
            if not result.errors:
                request.session[_result_key(campaign)] = result.summary()  # shown once, after the redirect
                return HttpResponseRedirect(reverse("campaigns:household_import", args=[campaign.pk]) + "?ket-qua=1")
            errors = result.errors
        status = 400
    summary = request.session.pop(_result_key(campaign), None) if request.GET.get("ket-qua") else None
    return render(request, "campaigns/import.html", {
        "campaign": campaign, "form": form, "errors": errors, "summary": summary,
        "max_rows": importer.MAX_ROWS, "duplicate_count": len(importer.duplicate_groups(campaign)),
    }, status=status)


@login_required
@require_safe
def household_template(request, pk):
    campaign = _campaign(request, pk)
    response = HttpResponse(importer.template_workbook(campaign), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-ho-dan-{campaign.pk}.xlsx"'
    return response


@login_required
@require_safe
def duplicate_list(request, pk):
    campaign = _campaign(request, pk, access.CHANGE)
    return render(request, "campaigns/duplicates.html", {
        "campaign": campaign,
        "groups": [{"households": g, "different": importer.looks_different(g)} for g in importer.duplicate_groups(campaign)],
    })


@login_required
@require_POST
def duplicate_distinct(request, pk):
    """"Not the same household": the group leaves the duplicates page (until a new namesake)."""
    campaign = _campaign(request, pk, access.CHANGE)
    ids = {int(x) for x in request.POST.getlist("group") if x.isdigit()}
    households = list(Household.objects.filter(campaign=campaign, pk__in=ids).order_by("pk"))
    try:
        marked = importer.households_mark_distinct(actor=request.user, campaign=campaign, households=households)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã ghi nhận %(n)s hộ %(name)s là các hộ khác nhau; nhóm không còn trong danh sách trùng.")
                         % {"n": marked, "name": households[0].head_name})
    return HttpResponseRedirect(reverse("campaigns:duplicate_list", args=[campaign.pk]))


@login_required
@require_POST
def duplicate_merge(request, pk):
    """Merge the ticked households of a group into the one chosen to keep."""
    campaign = _campaign(request, pk, access.CHANGE)
    back = HttpResponseRedirect(reverse("campaigns:duplicate_list", args=[campaign.pk]))
    households = Household.objects.filter(campaign=campaign)
    raw_keep = request.POST.get("keep", "")
    keep = households.filter(pk=raw_keep).first() if raw_keep.isdigit() else None
    remove_ids = {int(x) for x in request.POST.getlist("remove") if x.isdigit()} - {keep.pk if keep else 0}
    removes = list(households.filter(pk__in=remove_ids).order_by("pk"))
    if keep is None or not removes:
        messages.error(request, _("Hãy chọn hộ giữ lại và ít nhất một hộ trùng để gộp vào."))
        return back
    try:
        with transaction.atomic():
            results = [importer.household_merge(actor=request.user, keep=keep, remove=r) for r in removes]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    visits = sum(r.visits for r in results)
    moved = sum(len(r.cases) for r in results)
    messages.success(request, _("Đã gộp %(n)s hộ vào hộ %(name)s: chuyển %(v)s lần tiếp xúc, %(c)s hồ sơ.")
                     % {"n": len(results), "name": keep.head_name, "v": visits, "c": moved})
    for r in results:
        for case, kept_case in r.detached:
            messages.warning(request, _("Hồ sơ %(ref)s cùng chủ đề với hồ sơ %(kept)s của hộ giữ lại: đã tách khỏi hộ "
                                        "(vẫn giữ số hồ sơ, người dân vẫn tra cứu được).")
                             % {"ref": case.reference, "kept": kept_case.reference})
    return back
