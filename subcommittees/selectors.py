from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from khoi import access, selectors
from subcommittees.models import OPEN_STATUSES, Task


def task_list_for_user(user, *, query: str = "", scope: str = "", status: str = "", overdue: str = "",
                       activity=None) -> QuerySet:
    """Tasks in reach; ``scope`` "mine" = assigned to me, "given" = assigned by me."""
    qs = access.restrict(Task, user).select_related("assignee", "joint_body", "activity", "subcommittee")
    person = getattr(user, "person", None)
    if scope == "mine":
        qs = qs.filter(assignee=person) if person else qs.none()
    elif scope == "given":
        qs = qs.filter(assigned_by=user)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if overdue == "yes":
        qs = qs.filter(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
    if activity is not None:
        qs = qs.filter(activity=activity)
    return selectors.search(qs, query).order_by("due_date", "pk")


def open_tasks_for_user(user, limit: int = 20) -> list[Task]:
    person = getattr(user, "person", None)
    if person is None:
        return []
    return list(
        Task.objects.filter(assignee=person, status__in=OPEN_STATUSES)
        .select_related("joint_body", "activity").order_by("due_date")[:limit]
    )
