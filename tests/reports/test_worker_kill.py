"""A report build survives a node crash: a REAL Celery worker on Redis and PostgreSQL is SIGKILLed
(with its pool) in the middle of a build; a second worker gets the message again after the
visibility timeout and finishes the build exactly once (research/reliability.md §2.4).

Needs CELERY_BROKER_URL=redis://… and DATABASE_URL=postgres://… (skips otherwise; fails under
KHOI_REQUIRE_SERVICES=1, as in .ci/run's second pass).
"""
from __future__ import annotations

import time

import pytest

from reports import building
from reports.models import BuildStatus, Report, ReportBuild, ReportFile
from tests.celery_worker import kill_group, worker_log
from tests.reports import build_fixtures as bf

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Worker B renders for real (WeasyPrint starts cold): a little more time than the default test
# limits, still below the 10 s visibility timeout the test workers run with.
RENDERING_ENV = {"CELERY_TASK_TIME_LIMIT": "9", "CELERY_TASK_SOFT_TIME_LIMIT": "8"}


def _wait_for(condition, timeout: float, worker, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            row = ReportBuild.objects.values("status", "attempts", "stage", "error", "lease_until").first()
            pytest.fail(f"{what}: not within {timeout:.0f} s; build {row}\n{worker_log(worker)}", pytrace=False)
        time.sleep(0.2)


def test_a_build_survives_the_crash_of_its_worker(start_celery_worker):
    world = bf.quarter_world()
    report = bf.report(world.a.body, world.q1, title="Kết quả quý I/2023", signer_name="Nguyễn Văn A")
    a = start_celery_worker("reports-a", queues=("reports",), extra_env={"REPORT_TEST_DELAY": "5"})

    build = building.request_build(report=report, user=None)  # enqueued on commit (autocommit here)

    running = ReportBuild.objects.filter(pk=build.pk, status=BuildStatus.RUNNING, attempts=1)
    _wait_for(running.exists, 20, a, "worker A claims the build")
    kill_group(a)  # a node crash: main process and pool child, nothing acknowledged or requeued
    assert running.exists()

    b = start_celery_worker("reports-b", queues=("reports",), extra_env=RENDERING_ENV)
    done = ReportBuild.objects.filter(pk=build.pk, status=BuildStatus.DONE)
    _wait_for(done.exists, 60, b, "worker B finishes the build")

    build.refresh_from_db()
    assert build.attempts == 2, worker_log(b)
    assert (build.progress, build.stage) == (100, "Xong")
    assert sorted(ReportFile.objects.filter(build=build).values_list("format", flat=True)) == ["docx", "pdf", "xlsx"]
    from pypdf import PdfReader

    with build.files.get(format="pdf").file.open("rb") as pdf:
        assert len(PdfReader(pdf).pages) > 0
    assert Report.objects.get(pk=report.pk).status == "built"
    assert build.snapshot["values"]["AS01"]["total"] == "63"
    assert ReportBuild.objects.count() == 1
