"""Reads for campaigns: scoped lists and progress aggregated in SQL (a fixed number of
queries whatever the number of households)."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from campaigns.models import Campaign, Case, Household, HouseholdStatus, TeamArea, Visit, VisitOutcome, WorkTeam
from khoi import access, selectors

DONE_STATUSES = (HouseholdStatus.AGREED, HouseholdStatus.COMPLETED)


def campaign_list_for_user(user, *, query: str = "", status: str = "") -> QuerySet:
    qs = access.restrict(Campaign, user).select_related("joint_body", "subcommittee")
    if status:
        qs = qs.filter(status=status)
    return selectors.search(qs, query)


def household_list_for_user(user, *, campaign: Campaign | None = None, query: str = "", team=None, status: str = "",
                            area=None) -> QuerySet:
    qs = access.restrict(Household, user).select_related("area", "team")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if team is not None:
        qs = qs.filter(team=team)
    if status:
        qs = qs.filter(status=status)
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    return selectors.search(qs, query)


def _counts(rows) -> dict:
    total = sum(r["n"] for r in rows)
    by_status = {s: 0 for s in HouseholdStatus.values}
    for r in rows:
        by_status[r["status"]] += r["n"]
    done = by_status[HouseholdStatus.AGREED] + by_status[HouseholdStatus.COMPLETED]
    reached = total - by_status[HouseholdStatus.NOT_CONTACTED]
    return {"total": total, "by_status": by_status, "agreed_or_done": done, "reached": reached,
            "percent_agreed": round(100 * done / total, 1) if total else 0.0,
            "percent_reached": round(100 * reached / total, 1) if total else 0.0}


def campaign_progress(campaign: Campaign) -> dict:
    """Households by status overall, per team and per area (aggregated in the database)."""
    base = Household.objects.filter(campaign=campaign)
    overall = _counts(list(base.values("status").annotate(n=Count("pk"))))
    per_team_rows = list(base.values("team_id", "status").annotate(n=Count("pk")))
    per_area_rows = list(base.values("area_id", "area__name", "status").annotate(n=Count("pk")))
    teams = {t.pk: t for t in campaign.teams.select_related("leader")}
    team_stats = []
    for team_id in {r["team_id"] for r in per_team_rows} | set(teams):
        stats = _counts([r for r in per_team_rows if r["team_id"] == team_id])
        stats["team"] = teams.get(team_id)
        team_stats.append(stats)
    team_stats.sort(key=lambda s: (s["team"] is None, -s["percent_agreed"], s["team"].name if s["team"] else ""))
    area_stats = []
    for area_id in sorted({r["area_id"] for r in per_area_rows}):
        rows = [r for r in per_area_rows if r["area_id"] == area_id]
        stats = _counts(rows)
        stats["name"] = rows[0]["area__name"]
        stats["unit_id"] = area_id
        area_stats.append(stats)
    return {"overall": overall, "teams": team_stats, "areas": area_stats}


def daily_progress(campaign: Campaign) -> list[dict]:
    """Per day of the campaign: households reached and households agreed so far (cumulative).

    A household counts as reached on its first visit and as agreed on its first "agreed" visit;
    one grouped query per series, the running totals are summed over the days."""
    households = Household.objects.filter(campaign=campaign)
    first_visit = Visit.objects.filter(household=OuterRef("pk")).order_by("date").values("date")[:1]
    first_agreed = Visit.objects.filter(household=OuterRef("pk"), outcome=VisitOutcome.AGREED).order_by("date").values("date")[:1]
    # one row per day, counted in the database: households grouped by the day of their first visit
    reached_by_day = dict(households.annotate(day=Subquery(first_visit)).exclude(day=None)
                          .values("day").annotate(n=Count("pk")).values_list("day", "n"))
    agreed_by_day = dict(households.annotate(day=Subquery(first_agreed)).exclude(day=None)
                         .values("day").annotate(n=Count("pk")).values_list("day", "n"))
    days = sorted(set(reached_by_day) | set(agreed_by_day))
    if not days:
        return []
    total = Household.objects.filter(campaign=campaign).count()
    series, reached, agreed = [], 0, 0
    day = days[0]
    last = max(days[-1], min(timezone.localdate(), campaign.end_date))
    while day <= last:
        reached += reached_by_day.get(day, 0)
        agreed += agreed_by_day.get(day, 0)
        series.append({"day": day, "reached": reached, "agreed": agreed,
                       "percent_agreed": round(100 * agreed / total, 1) if total else 0.0})
        day += dt.timedelta(days=1)
    return series


def stuck_reference_date(campaign: Campaign) -> dt.date:
    today = timezone.localdate()
    return min(today, campaign.end_date) if campaign.end_date else today


def stuck_households(user, campaign: Campaign, *, days: int = 5) -> QuerySet:
    """Households not yet agreed whose last visit is older than ``days`` days (or never visited),
    counted back from today, or from the campaign's end once it is over: a past campaign shows
    who was stuck when it ended, not everyone it never finished."""
    limit = stuck_reference_date(campaign) - dt.timedelta(days=days)
    qs = household_list_for_user(user, campaign=campaign).exclude(status__in=DONE_STATUSES).annotate(
        last_visit=Max("visits__date"))
    return qs.filter(Q(last_visit__lt=limit) | Q(last_visit__isnull=True)).order_by("last_visit", "pk")


def team_list(campaign: Campaign) -> list[WorkTeam]:
    return list(campaign.teams.select_related("leader").prefetch_related("memberships__person", "memberships__organization",
                                                                         "areas__unit"))


def uncovered_areas(campaign: Campaign):
    taken = TeamArea.objects.filter(campaign=campaign).values("unit_id")
    return campaign.areas.exclude(pk__in=taken)


def case_list_for_user(user, *, campaign: Campaign | None = None, query: str = "", status: str = "") -> QuerySet:
    qs = access.restrict(Case, user)
    person = getattr(user, "person", None)
    if person is not None:  # the person who must answer sees the case even without a role that reads cases
        qs = qs | Case.objects.filter(responsible=person)
    qs = qs.select_related("responsible", "campaign", "household")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if status:
        qs = qs.filter(status=status)
    for term in query.split():
        qs = qs.filter(Q(reference__icontains=term) | Q(topic_key__contains=selectors.text.fold(term)))
    return qs


def case_public_lookup(reference: str, phone: str) -> Case | None:
    """A citizen's own case, found only with both its reference and the phone number given."""
    from campaigns.services import phone_digits

    digits = phone_digits(phone)
    if not reference or len(digits) < 9:
        return None
    return Case.objects.filter(reference__iexact=reference.strip(), phone=digits).first()
