"""Figures the app already records, counted in SQL so that nobody types them twice.

``SOURCES`` maps an indicator's ``auto_source`` key to a function
``(paths, start, end) -> {path: count}``: for each unit path, what happened in that unit's
subtree between ``start`` and ``end`` (both dates included, local time). Every function
issues one query whatever the number of paths (one conditional count per path).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Case, CaseStatus, Household, HouseholdStatus, VisitOutcome
from programme.models import Activity, ActivityStatus
from subcommittees.models import Task, TaskStatus

Counter = Callable[[Sequence[str], dt.date, dt.date], dict[str, int]]


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in the project's time zone."""
    tz = timezone.get_current_timezone()
    first = dt.datetime.combine(start, dt.time.min).replace(tzinfo=tz)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min).replace(tzinfo=tz)
    return first, after


def _count_by_path(qs: QuerySet, path_field: str, paths: Sequence[str], distinct: bool = False) -> dict[str, int]:
    paths = list(dict.fromkeys(paths))
    if not paths:
        return {}
    counts = qs.aggregate(**{
        f"p{i}": Count("pk", filter=Q(**{f"{path_field}__startswith": path}), distinct=distinct)
        for i, path in enumerate(paths)
    })
    return {path: counts[f"p{i}"] or 0 for i, path in enumerate(paths)}


def cases_received(paths, start, end):
    """Cases opened at the single point of contact of joint bodies in the subtree."""
    first, after = _bounds(start, end)
    return _count_by_path(Case.objects.filter(created_at__gte=first, created_at__lt=after), "joint_body__unit__path", paths)


def cases_closed(paths, start, end):
    first, after = _bounds(start, end)
    qs = Case.objects.filter(status=CaseStatus.CLOSED, closed_at__gte=first, closed_at__lt=after)
    return _count_by_path(qs, "joint_body__unit__path", paths)


def campaign_households_agreed(paths, start, end):
    """Households (of areas in the subtree) a team recorded as agreeing during a visit in the period."""
    qs = Household.objects.filter(visits__outcome=VisitOutcome.AGREED, visits__date__range=(start, end))
    return _count_by_path(qs, "area__path", paths, distinct=True)


def campaign_households_completed(paths, start, end):
    first, after = _bounds(start, end)
    qs = Household.objects.filter(status=HouseholdStatus.COMPLETED, status_changed_at__gte=first, status_changed_at__lt=after)
    return _count_by_path(qs, "area__path", paths)


def tasks_done(paths, start, end):
    first, after = _bounds(start, end)
    qs = Task.objects.filter(status=TaskStatus.DONE, done_at__gte=first, done_at__lt=after)
    return _count_by_path(qs, "joint_body__unit__path", paths)


def activities_done(paths, start, end):
    """Activities of work programmes marked done that ended in the period (merged ones not counted twice)."""
    qs = Activity.objects.filter(status=ActivityStatus.DONE, end_date__range=(start, end), merged_into__isnull=True)
    return _count_by_path(qs, "programme__joint_body__unit__path", paths)


def _done_under_rule(rule_code: str) -> Counter:
    def counter(paths, start, end):
        qs = Activity.objects.filter(status=ActivityStatus.DONE, end_date__range=(start, end), merged_into__isnull=True,
                                     rule__code=rule_code)
        return _count_by_path(qs, "programme__joint_body__unit__path", paths)

    return counter


# The shared rules of the default "9 chung, 14 chia" catalog (khoi/defaults.py): a province that
# adapts its catalog keeps the codes, so the count follows its own rules.
supervisions_done = _done_under_rule("C6")  # Kiểm tra, giám sát, phản biện xã hội
trainings_done = _done_under_rule("C4")  # Tập huấn, bồi dưỡng nghiệp vụ chung

SOURCES: dict[str, Counter] = {
    "cases_received": cases_received,
    "cases_closed": cases_closed,
    "campaign_households_agreed": campaign_households_agreed,
    "campaign_households_completed": campaign_households_completed,
    "tasks_done": tasks_done,
    "activities_done": activities_done,
    "supervisions_done": supervisions_done,
    "trainings_done": trainings_done,
}

LABELS = {
    "cases_received": _("Hồ sơ đầu mối tiếp nhận"),
    "cases_closed": _("Hồ sơ đầu mối đã đóng"),
    "campaign_households_agreed": _("Hộ dân đồng thuận (theo lần tiếp xúc)"),
    "campaign_households_completed": _("Hộ dân hoàn thành"),
    "tasks_done": _("Nhiệm vụ hoàn thành"),
    "activities_done": _("Hoạt động hoàn thành"),
    "supervisions_done": _("Cuộc kiểm tra, giám sát đã thực hiện"),
    "trainings_done": _("Lớp tập huấn, bồi dưỡng đã tổ chức"),
}


def count(source: str, paths: Sequence[str], start: dt.date, end: dt.date) -> dict[str, int]:
    """The counts of one source; KeyError for an unknown key."""
    return SOURCES[source](paths, start, end)


def counts_for(sources, path: str, start: dt.date, end: dt.date) -> dict[str, int]:
    """Every listed source's count for one unit path (one query per source)."""
    return {key: SOURCES[key]([path], start, end)[path] for key in dict.fromkeys(sources) if key in SOURCES}
