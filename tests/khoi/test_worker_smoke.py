"""A real Celery worker process starts on Redis + the PostgreSQL TEST database, runs a task sent
through Redis, and dies with its whole process group on SIGKILL (tests/celery_worker.py).

Needs CELERY_BROKER_URL=redis://… and DATABASE_URL=postgres://… (skips otherwise; fails under
KHOI_REQUIRE_SERVICES=1, as in .ci/run's second pass).
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid

import pytest

from tests.celery_worker import (
    group_pids,
    kill_group,
    pool_children,
    worker_env,
    worker_log,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_env_points_at_the_test_database(postgres, redis_url):
    """What the worker is told is the database this test sees (a row committed here is visible)."""
    from django.contrib.auth.models import Group

    marker = Group.objects.create(name=f"worker-smoke-{uuid.uuid4().hex[:8]}")
    script = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "from django.contrib.auth.models import Group\n"
        f"print(connection.settings_dict['NAME'], Group.objects.filter(name={marker.name!r}).count())\n"
    )
    env = worker_env(broker_url=redis_url)
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert out.returncode == 0, out.stderr
    name, count = out.stdout.split()
    assert name == postgres.settings_dict["NAME"]
    assert name.startswith("test_")
    assert count == "1"


def test_worker_runs_a_task_from_redis_and_dies_with_its_group(start_celery_worker, postgres):
    from django.conf import settings

    from khoi.celery import app

    proc = start_celery_worker("smoke", queues=("default", "reports"))
    assert proc.poll() is None

    # The worker runs against the test database, with the test process's MEDIA_ROOT and the short
    # test timings from its environment (khoi/settings.py reads them). `inspect conf` answers
    # from inside the worker process (Celery keys as Django settings carry them: CELERY_…).
    with app.connection_for_write(proc.broker_url) as conn:
        replies = app.control.inspect(destination=[proc.nodename], timeout=5, connection=conn).conf() or {}
    assert proc.nodename in replies, replies
    conf = {k.removeprefix("CELERY_").lower(): v for k, v in replies[proc.nodename].items()}
    assert conf["databases"]["default"]["NAME"] == postgres.settings_dict["NAME"]
    assert conf["databases"]["default"]["NAME"].startswith("test_")
    assert str(settings.MEDIA_ROOT) in conf["media_root"]
    assert conf["broker_transport_options"]["visibility_timeout"] == 10
    assert conf["broker_transport_options"]["unacked_restore_interval"] == 1
    assert conf["broker_transport_options"]["unacked_restore_throttle"] == 1
    assert conf["task_time_limit"] == 8
    assert conf["task_soft_time_limit"] == 6
    assert conf["task_acks_late"] is True
    assert conf["worker_prefetch_multiplier"] == 1

    # A task sent by name through Redis runs in the worker's pool process, not here.
    # (celery.accumulate is a built-in task with no side effects: it returns its arguments.)
    token = f"khoi-smoke-{uuid.uuid4().hex}"
    with app.connection_for_write(proc.broker_url) as conn:
        result = app.send_task("celery.accumulate", args=(token,), queue="default", connection=conn)
    deadline = time.monotonic() + 30
    while f"Task celery.accumulate[{result.id}] succeeded" not in worker_log(proc, None):
        assert proc.poll() is None, worker_log(proc)
        assert time.monotonic() < deadline, f"task {result.id} did not run:\n{worker_log(proc)}"
        time.sleep(0.2)
    assert token in worker_log(proc, None)

    # prefork -c 1: a main process and one pool child, all in the worker's own process group.
    children = pool_children(proc)
    assert len(children) >= 1, group_pids(proc.pid)

    kill_group(proc)  # SIGKILL to the whole group, like a node crash
    assert proc.returncode == -9
    assert group_pids(proc.pid) == [], "a worker process survived SIGKILL of its group"
