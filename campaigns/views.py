"""Views of the campaigns: thin — access, one selector or service, render.

Households carry personal data (names, phones): they are read only through
``household_list_for_user`` / ``get_for_user_or_404(…, Household, …)``, so the provincial board
and members of other teams see a campaign's numbers, never its households."""
from __future__ import annotations

import datetime as dt
import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case as SqlCase
from django.db.models import F, IntegerField, Max, Q, Value, When
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_safe

from campaigns import forms, selectors, services
from campaigns.models import Campaign, CampaignStatus, Case, Household, HouseholdStatus, Phase, WorkTeam
from khoi import access
from khoi.generic import Column, Filter, ObjectEditView, ObjectListView

CAMPAIGN_RELATED = ("joint_body__unit", "subcommittee", "rule", "director")
HOUSEHOLD_RELATED = ("campaign__joint_body__unit", "campaign__subcommittee", "team__leader", "area")
STATUS_ORDER = SqlCase(*[When(status=s, then=Value(i)) for i, s in enumerate((
    HouseholdStatus.NOT_CONTACTED, HouseholdStatus.CONTACTED, HouseholdStatus.BLOCKED, HouseholdStatus.AGREED,
    HouseholdStatus.COMPLETED))], output_field=IntegerField())


def _campaign(request, pk, action=access.VIEW) -> Campaign:
    return access.get_for_user_or_404(request.user, action, Campaign.objects.select_related(*CAMPAIGN_RELATED), pk=pk)


def _household(request, pk, action=access.VIEW) -> Household:
    return access.get_for_user_or_404(request.user, action, Household.objects.select_related(*HOUSEHOLD_RELATED), pk=pk)


# ---------------------------------------------------------------- campaigns


class CampaignListView(ObjectListView):
    title = _lazy("Chiến dịch, cuộc vận động")
    model = Campaign
    selector = selectors.campaign_list_for_user
    create_url_name = "campaigns:campaign_create"
    search_placeholder = _lazy("Tìm theo tên chiến dịch (không cần dấu)")
    columns = [
        Column(_lazy("Tên"), "name", link=True),
        Column(_lazy("Loại"), "get_kind_display"),
        Column(_lazy("Cơ quan khối"), "joint_body.name"),
        Column(_lazy("Tiểu ban phụ trách"), "subcommittee.name"),
        Column(_lazy("Thời gian"), "", render=lambda c: f"{c.start_date:%d/%m/%Y} – {c.end_date:%d/%m/%Y}"),
        Column(_lazy("Trạng thái"), "get_status_display"),
    ]
    filters = [Filter("status", _lazy("Trạng thái"), lambda user: list(CampaignStatus.choices))]


class CampaignEditView(ObjectEditView):
    """Create or change a campaign (the head of the body, or the head of the subcommittee running it)."""

    model = Campaign
    form_class = forms.CampaignForm
    service = services.campaign_save
    instance_kw = "campaign"
    title_create = _lazy("Thêm chiến dịch")
    title_edit = _lazy("Sửa chiến dịch")
    cancel_url_name = "campaigns:campaign_list"
    template_name = "campaigns/campaign_form.html"

    def get_object(self, request, pk):
        return _campaign(request, pk, access.CHANGE)

    def service_kwargs(self, form) -> dict:
        return form.service_kwargs()


def _percent_at(series: list[dict], day: dt.date) -> float | None:
    """Cumulative agreed % on a day (the last value on or before it); None before the first visit."""
    value = None
    for point in series:
        if point["day"] > day:
            break
        value = point["percent_agreed"]
    return value


def _phase_rows(phases: list[Phase], series: list[dict]) -> list[dict]:
    today = timezone.localdate()
    rows = []
    for phase in phases:
        if phase.start_date > today:
            state, actual = _("Chưa bắt đầu"), None
        else:
            state = _("Đã kết thúc") if phase.end_date < today else _("Đang diễn ra")
            actual = _percent_at(series, min(phase.end_date, today))
            actual = 0.0 if actual is None else actual
        met = (actual is not None and phase.target_agreed_percent is not None
               and actual >= phase.target_agreed_percent)
        rows.append({"phase": phase, "state": state, "actual": actual, "met": met})
    return rows


def progress_chart(series: list[dict], *, total: int, phases=(), width=640, height=240, max_ticks=7) -> dict | None:
    """Geometry of the inline SVG chart: cumulative % agreed (and % reached) per day, 0–100 %.

    Coordinates are strings, so the Vietnamese number format ("12,5") never reaches the SVG."""
    if not series:
        return None
    left, right, top, bottom = 44, 16, 14, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(series)

    def x(i: float) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(percent: float) -> float:
        return top + plot_h * (1 - min(max(percent, 0), 100) / 100)

    def pts(values) -> str:
        return " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))

    agreed = [p["percent_agreed"] for p in series]
    reached = [round(100 * p["reached"] / total, 1) if total else 0.0 for p in series]
    step = max(1, math.ceil((n - 1) / (max_ticks - 1)))
    x_ticks = list(range(0, n, step))
    if x_ticks[-1] != n - 1:
        if n - 1 - x_ticks[-1] < step / 2 and len(x_ticks) > 1:
            x_ticks.pop()
        x_ticks.append(n - 1)
    first_day, last_day = series[0]["day"], series[-1]["day"]
    # a series over more than one year (a follow-up visit long after the end) says the year
    day_format = "%d/%m" if first_day.year == last_day.year else "%d/%m/%Y"
    targets = []
    for phase in phases:
        if phase.target_agreed_percent is None or phase.end_date < first_day or phase.start_date > last_day:
            continue
        i0 = (max(phase.start_date, first_day) - first_day).days
        i1 = (min(phase.end_date, last_day) - first_day).days
        targets.append({"x1": f"{x(i0):.1f}", "x2": f"{x(i1):.1f}", "y": f"{y(phase.target_agreed_percent):.1f}",
                        "label": f"{phase.name}: {phase.target_agreed_percent}%",
                        "label_y": f"{y(phase.target_agreed_percent) - 4:.1f}"})
    return {
        "width": width, "height": height,
        "plot": {"x1": left, "x2": width - right, "y1": top, "y2": top + plot_h},
        "agreed_points": pts(agreed),
        "agreed_area": f"{x(0):.1f},{y(0):.1f} {pts(agreed)} {x(n - 1):.1f},{y(0):.1f}",
        "reached_points": pts(reached),
        "y_ticks": [{"y": f"{y(v):.1f}", "ty": f"{y(v) + 4:.1f}", "label": f"{v}%"} for v in (0, 25, 50, 75, 100)],
        "x_ticks": [{"x": f"{x(i):.1f}", "label": series[i]["day"].strftime(day_format),
                     "anchor": "end" if n > 1 and i == n - 1 else "middle"} for i in x_ticks],
        "x_label_y": top + plot_h + 18,
        "last": {"x": f"{x(n - 1):.1f}", "y": f"{y(agreed[-1]):.1f}", "ty": f"{y(agreed[-1]) - 8:.1f}",
                 "label": f"{agreed[-1]:.1f}".replace(".", ",") + "%"},
        "targets": targets,
        "first_day": first_day, "last_day": last_day,
        "final_agreed": agreed[-1], "final_reached": reached[-1],
    }


STUCK_SHOWN = 15


def _stuck_days(request) -> int:
    raw = request.GET.get("stuck_days", "")
    return min(max(int(raw), 1), 365) if raw.isdigit() else 5


@login_required
@require_safe
def campaign_detail(request, pk):
    """The plan, the phases (target vs actual), progress per team and area, a daily chart, the team
    ranking and stuck households. Names and phones only for those who may see households."""
    campaign = _campaign(request, pk)
    user = request.user
    progress = selectors.campaign_progress(campaign)
    series = selectors.daily_progress(campaign)
    phases = list(campaign.phases.all())
    stuck_days = _stuck_days(request)
    stuck_qs = selectors.stuck_households(user, campaign, days=stuck_days)
    stuck = list(stuck_qs[:STUCK_SHOWN])
    stuck_count = stuck_qs.count()  # always: the page costs the same whatever the number of households
    manages_households = access.can(user, access.VIEW, Household(campaign=campaign))
    sees_households = manages_households or bool(stuck) or selectors.household_list_for_user(
        user, campaign=campaign).exists()
    return render(request, "campaigns/campaign_detail.html", {
        "campaign": campaign,
        "title": campaign.name,
        "areas": campaign.areas.order_by("search_name"),
        "overall": progress["overall"],
        "team_stats": progress["teams"],
        "area_stats": progress["areas"],
        "phases": _phase_rows(phases, series),
        # one drawing for wide screens, one with fewer labels for phones (text stays readable)
        "chart": progress_chart(series, total=progress["overall"]["total"], phases=phases),
        "chart_narrow": progress_chart(series, total=progress["overall"]["total"], phases=phases, width=340,
                                       height=220, max_ticks=4),
        "stuck": stuck,
        "stuck_days": stuck_days,
        "stuck_reference": selectors.stuck_reference_date(campaign),
        "today": timezone.localdate(),
        "stuck_count": stuck_count,
        "sees_households": sees_households,
        "can_change": access.can(user, access.CHANGE, campaign),
    })


@login_required
def phase_create(request, pk):
    campaign = _campaign(request, pk, access.CHANGE)
    form = forms.PhaseForm(request.POST or None, campaign=campaign)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.phase_save(actor=request.user, campaign=campaign, **form.cleaned_data)
            except ValidationError as error:
                forms.add_service_errors(form, error)
            else:
                messages.success(request, _("Đã thêm giai đoạn “%(name)s”.") % {"name": form.cleaned_data["name"]})
                return HttpResponseRedirect(campaign.get_absolute_url())
        status = 400
    return render(request, "campaigns/campaign_form.html", {
        "form": form, "object": campaign, "title": _("Thêm giai đoạn"), "cancel_url": campaign.get_absolute_url(),
    }, status=status)


# ---------------------------------------------------------------- teams


@login_required
def team_manage(request, pk):
    """Every team with its leader, members and areas; the areas nobody covers yet; for those who
    manage the campaign, a form to create a team and one to give an area to a team."""
    campaign = _campaign(request, pk, access.CHANGE if request.method == "POST" else access.VIEW)
    can_change = access.can(request.user, access.CHANGE, campaign)
    team_form = area_form = None
    status = 200
    if can_change:
        action = request.POST.get("action") if request.method == "POST" else None
        team_form = forms.TeamForm(request.POST if action == "team" else None, campaign=campaign)
        area_form = forms.AreaAssignForm(request.POST if action == "area" else None, campaign=campaign)
        if request.method == "POST":
            done = None
            if action == "team" and team_form.is_valid():
                done = _call(team_form, lambda: services.team_save(actor=request.user, campaign=campaign,
                                                                    **team_form.cleaned_data),
                             lambda team: _("Đã lập %(team)s.") % {"team": team.name})
            elif action == "area" and area_form.is_valid():
                data = area_form.cleaned_data
                done = _call(area_form, lambda: services.team_assign_area(actor=request.user, **data),
                             lambda area: _("Đã giao %(unit)s cho %(team)s.") % {"unit": data["unit"].name,
                                                                                 "team": data["team"].name})
            elif action not in ("team", "area"):
                messages.error(request, _("Yêu cầu không hợp lệ."))
            if done:
                messages.success(request, done)
                return HttpResponseRedirect(reverse("campaigns:team_manage", args=[campaign.pk]))
            status = 400
    return render(request, "campaigns/team_manage.html", {
        "campaign": campaign,
        "title": _("Tổ công tác"),
        "teams": selectors.team_list(campaign),
        "uncovered": selectors.uncovered_areas(campaign).order_by("search_name"),
        "can_change": can_change,
        "team_form": team_form,
        "area_form": area_form,
    }, status=status)


def _call(form, call, success):
    """Run one service; its ValidationError goes into the form. Returns the success message or None."""
    try:
        result = call()
    except ValidationError as error:
        forms.add_service_errors(form, error)
        return None
    return success(result)


def _phone(household) -> str:
    if not household.phone:
        return "—"
    return format_html('<a href="tel:{}">{}</a>', household.phone, household.phone)


def _status_badge(household) -> str:
    return format_html('<span class="hh-status hh-{}">{}</span>', household.status, household.get_status_display())


def _visit_button(household, query: str = "") -> str:
    return format_html('<a class="button visit-button" href="{}{}">{}</a>',
                       reverse("campaigns:visit_create", args=[household.pk]), query, _("Ghi nhận tiếp xúc"))


HOUSEHOLD_COLUMNS = [
    Column(_lazy("Chủ hộ"), "head_name", link=True),
    Column(_lazy("Địa chỉ"), "", render=lambda h: h.address or h.area.name),
    Column(_lazy("Điện thoại"), "", render=_phone),
    Column(_lazy("Trạng thái"), "", render=_status_badge),
    Column(_lazy("Lần tiếp xúc gần nhất"), "", render=lambda h: f"{h.last_visit:%d/%m/%Y}" if h.last_visit else _("Chưa")),
    Column("", "", render=_visit_button),
]
STATUS_FILTER = Filter("status", _lazy("Trạng thái"), lambda user: list(HouseholdStatus.choices))


class TeamDetailView(ObjectListView):
    """A team and its households (status filter, search, paged), a "record a visit" button per row.
    Those who may see the team but not its households (the board, other organizations' staff)
    get the team's numbers only."""

    model = Household
    template_name = "campaigns/team_detail.html"
    search_placeholder = _lazy("Tìm chủ hộ (không cần dấu)")
    columns = HOUSEHOLD_COLUMNS
    filters = [STATUS_FILTER]

    @staticmethod
    def selector(user, **kwargs):
        return selectors.household_list_for_user(user, **kwargs).annotate(last_visit=Max("visits__date")).order_by(
            "area__path", "search_name", "pk")

    def selector_kwargs(self, request) -> dict:
        kwargs = super().selector_kwargs(request)
        kwargs["team"] = self.team
        return kwargs

    def get(self, request, pk):
        self.team = access.get_for_user_or_404(
            request.user, access.VIEW, WorkTeam.objects.select_related("campaign__joint_body__unit", "campaign__subcommittee",
                                                                       "leader"), pk=pk)
        self.title = self.team.name
        return super().get(request)

    def extra_context(self, request) -> dict:
        team = self.team
        stats = next((s for s in selectors.campaign_progress(team.campaign)["teams"] if s["team"] == team), None)
        return {
            "team": team,
            "campaign": team.campaign,
            "stats": stats,
            "status_counts": [(code, label, stats["by_status"][code]) for code, label in HouseholdStatus.choices] if stats else [],
            "sees_households": access.can(request.user, access.VIEW, Household(campaign=team.campaign, team=team)),
            "memberships": team.memberships.select_related("person", "organization__org_type"),
            "areas": team.areas.select_related("unit"),
        }


# ---------------------------------------------------------------- households and visits


@login_required
def household_detail(request, pk):
    """A household: its data, status and timeline; reassignment (managers) and complete/block."""
    household = _household(request, pk)
    user = request.user
    can_manage = access.can(user, access.CHANGE, household.campaign)
    can_change = can_manage or access.can(user, access.CHANGE, household)
    reassign_form = forms.ReassignForm(household=household) if can_manage else None
    status_form = forms.HouseholdStatusForm() if can_change else None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reassign":
            reassign_form = forms.ReassignForm(request.POST, household=household)
            if reassign_form.is_valid():
                done = _call(reassign_form, lambda: services.household_reassign(
                    actor=user, household=household, **reassign_form.cleaned_data),
                    lambda h: _("Đã giao hộ %(name)s cho %(team)s.") % {"name": h.head_name, "team": h.team.name})
                if done:
                    messages.success(request, done)
                    return HttpResponseRedirect(household.get_absolute_url())
        elif action == "status":
            status_form = forms.HouseholdStatusForm(request.POST)
            if status_form.is_valid():
                done = _call(status_form, lambda: services.household_set_status(
                    actor=user, household=household, **status_form.cleaned_data),
                    lambda h: _("Đã chuyển hộ %(name)s sang “%(status)s”.") % {"name": h.head_name,
                                                                               "status": h.get_status_display()})
                if done:
                    messages.success(request, done)
                    return HttpResponseRedirect(household.get_absolute_url())
        else:
            messages.error(request, _("Yêu cầu không hợp lệ."))
        status = 400
    visits = household.visits.select_related("team", "recorded_by__person").prefetch_related("organizations__org_type")
    cases = selectors.case_list_for_user(user, campaign=household.campaign).filter(household=household)
    return render(request, "campaigns/household_detail.html", {
        "household": household,
        "campaign": household.campaign,
        "title": household.head_name,
        "visits": visits,
        "extra": sorted((household.extra or {}).items()),
        "other_channels": services.other_channels(household),
        "cases": cases,
        "can_open_case": access.can(user, access.CHANGE, Case(joint_body=household.campaign.joint_body,
                                                              campaign=household.campaign)),
        "can_change": can_change,
        "reassign_form": reassign_form,
        "status_form": status_form,
    }, status=status)


@login_required
def visit_create(request, pk):
    """The phone form: outcome in one tap, today's date and the team's organizations pre-filled."""
    household = _household(request, pk, access.CHANGE)
    team_orgs = services.team_organizations(household.team) if household.team_id else set()
    form = forms.VisitForm(request.POST or None, household=household, team_orgs=team_orgs)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.visit_record(actor=request.user, household=household, **form.cleaned_data)
            except ValidationError as error:
                forms.add_service_errors(form, error)
            else:
                messages.success(request, _("Đã ghi nhận tiếp xúc hộ %(name)s.") % {"name": household.head_name})
                if request.GET.get("from") == "mine":
                    return HttpResponseRedirect(reverse("campaigns:my_households"))
                return HttpResponseRedirect(household.team.get_absolute_url())
        status = 400
    last = household.visits.first()
    return render(request, "campaigns/visit_form.html", {
        "household": household, "form": form, "last_visit": last, "title": _("Ghi nhận tiếp xúc"),
        "back_url": reverse("campaigns:my_households") if request.GET.get("from") == "mine" else (
            household.team.get_absolute_url() if household.team_id else household.get_absolute_url()),
    }, status=status)


def _my_households(user, *, query: str = "", status: str = ""):
    """Households of the teams the user leads or belongs to, in campaigns not yet closed;
    not yet contacted first, then the longest without a visit."""
    person = getattr(user, "person", None)
    if person is None:
        return Household.objects.none()
    teams = WorkTeam.objects.filter(Q(leader=person) | Q(memberships__person=person)).exclude(
        campaign__status=CampaignStatus.CLOSED).values("pk")
    qs = selectors.household_list_for_user(user, query=query, status=status).filter(team__in=teams)
    return qs.select_related("campaign").annotate(last_visit=Max("visits__date"), status_order=STATUS_ORDER).order_by(
        "status_order", F("last_visit").asc(nulls_first=True), "search_name", "pk")


class MyHouseholdsView(ObjectListView):
    """For a field member: the households of their team, to visit next at the top."""

    title = _lazy("Hộ của tổ tôi")
    model = Household
    template_name = "campaigns/my_households.html"
    search_placeholder = _lazy("Tìm chủ hộ (không cần dấu)")
    selector = _my_households
    columns = [*HOUSEHOLD_COLUMNS[:4], Column(_lazy("Tổ"), "team.name"), HOUSEHOLD_COLUMNS[4],
               Column("", "", render=lambda h: _visit_button(h, "?from=mine"))]
    filters = [STATUS_FILTER]
