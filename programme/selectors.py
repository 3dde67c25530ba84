from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from khoi import access, selectors
from khoi.models import AdministrativeUnit, Organization
from programme.models import Activity, Overlap, OverlapStatus, WorkProgramme


def programme_list_for_user(user) -> QuerySet:
    return access.restrict(WorkProgramme, user).select_related("joint_body__unit").order_by("-year", "joint_body__name")


def activity_list_for_user(user, *, programme: WorkProgramme | None = None, query: str = "", organization=None,
                           subcommittee: str = "", rule: str = "", status: str = "", area: AdministrativeUnit | None = None,
                           date_from: dt.date | None = None, date_to: dt.date | None = None,
                           include_merged: bool = False) -> QuerySet:
    qs = access.restrict(Activity, user).select_related("rule", "owner", "subcommittee", "programme").prefetch_related(
        Prefetch("participants", queryset=Organization.objects.select_related("org_type")),
        Prefetch("areas", queryset=AdministrativeUnit.objects.only("pk", "name", "path")),
    )
    if programme is not None:
        qs = qs.filter(programme=programme)
    if not include_merged:
        qs = qs.filter(merged_into__isnull=True)
    if organization is not None:
        qs = qs.filter(Q(owner=organization) | Q(participants=organization)).distinct()
    if subcommittee.isdigit():
        qs = qs.filter(subcommittee_id=int(subcommittee))
    if rule.isdigit():
        qs = qs.filter(rule_id=int(rule))
    elif rule in ("shared", "separate"):
        qs = qs.filter(rule__mode=rule)
    if status:
        qs = qs.filter(status=status)
    if area is not None:
        qs = qs.filter(Q(areas__path__startswith=area.path) | Q(areas__isnull=True)).distinct()
    if date_from:
        qs = qs.filter(end_date__gte=date_from)
    if date_to:
        qs = qs.filter(start_date__lte=date_to)
    return selectors.search(qs, query).order_by("start_date", "pk")


def overlap_list_for_user(user, *, status: str = OverlapStatus.OPEN) -> QuerySet:
    qs = access.restrict(Overlap, user).select_related(
        "first__owner", "second__owner", "first__rule", "second__rule", "first__programme", "resolved_by"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("first__start_date", "pk")


def open_overlap_count(user) -> int:
    return access.restrict(Overlap, user, access.CHANGE).filter(status=OverlapStatus.OPEN).count()
