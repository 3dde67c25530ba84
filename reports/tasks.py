"""Celery tasks of periodic reports: thin wrappers around ``reports/building.py``.

``build_report`` runs on the "reports" queue with ``acks_late`` and ``reject_on_worker_lost``:
a worker that dies mid-build leaves the message to be delivered again, and the attempt cap
kept in ``ReportBuild.attempts`` stops a build that kills every worker (a poison pill).
Transient database or broker errors retry with back-off kept below the Redis visibility
timeout (a retry is an ETA message: longer than the timeout, it would be delivered twice).
"""
from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from reports import building

# A retry is an ETA message: its countdown must stay below the visibility timeout.
RETRY_BACKOFF_MAX = max(1, min(600, int(settings.CELERY_VISIBILITY_TIMEOUT) // 2))


@shared_task(
    bind=True,
    name="reports.build_report",  # routed to the "reports" queue (CELERY_TASK_ROUTES)
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    retry_backoff=True,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=5,
)
def build_report(self, build_id: int) -> str:
    """Run one build (``building.run_build``); when a live attempt holds it, look again after its lease."""
    result = building.run_build(build_id)
    if result.outcome == "leased":
        raise self.retry(countdown=min(result.retry_in or 1, RETRY_BACKOFF_MAX))
    return str(result.outcome)


@shared_task(name="reports.sweep_expired_leases", ignore_result=True)
def sweep_expired_leases() -> int:
    """celery beat: re-enqueue builds whose worker died or whose message was lost."""
    return building.sweep_expired_leases()
