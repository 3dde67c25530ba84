"""Start a REAL Celery worker process for tests (Redis broker + the pytest-django test database).

Why a subprocess: the tests about tasks must see what production sees — acks, redelivery after
a crash, time limits, a separate process with its own database connection. Eager mode and
``celery.contrib.testing.worker`` (a thread) cannot be SIGKILLed and hide all of that
(research/reliability.md §2.4–2.5).

Use it from a test that has

* ``@pytest.mark.django_db(transaction=True)`` — the worker is another process, so it only sees
  committed rows; the test database is flushed (not rolled back) after the test;
* the ``redis_url`` and ``postgres`` fixtures from ``tests/conftest.py`` (skip, or fail under
  ``KHOI_REQUIRE_SERVICES=1``, when Redis or PostgreSQL is absent).

The simplest way is the ``start_celery_worker`` factory fixture in ``tests/conftest.py``: it empties the
broker's test database, starts and waits for each worker, and always kills them at teardown::

    @pytest.mark.worker
    @pytest.mark.django_db(transaction=True)
    def test_report_survives_a_crash(start_celery_worker):
        a = start_celery_worker("a", queues=("reports",), extra_env={"REPORT_TEST_DELAY": "3"})
        ...                          # enqueue, poll the database until RUNNING
        kill_group(a)                # a node crash: the main process and its pool children
        b = start_celery_worker("b", queues=("reports",))
        ...                          # poll until DONE, assert attempts == 2

Or by hand::

    proc = start_worker("a", broker_url=redis_url)
    try:
        wait_ready(proc, timeout=30)
        ...
    finally:
        kill_group(proc)

The worker gets these environment variables (read by khoi/settings.py), so that an abandoned
message comes back within seconds instead of hours: ``CELERY_VISIBILITY_TIMEOUT=10``,
``CELERY_UNACKED_RESTORE_INTERVAL=1``, ``CELERY_UNACKED_RESTORE_THROTTLE=1``,
``CELERY_TASK_TIME_LIMIT=8``, ``CELERY_TASK_SOFT_TIME_LIMIT=6``. A task that must run longer in a
test overrides them through ``extra_env`` (keep the time limit below the visibility timeout).

Every worker writes its output to a temporary log file (``proc.log_path``); ``wait_ready`` and
``kill_group`` print it when something goes wrong, and ``worker_log(proc)`` returns it so a test
can include it in an assertion message.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import quote

DEFAULT_QUEUES = ("default", "reports")

# Short broker timings for tests: the CI values from research/reliability.md §2.4.
TEST_WORKER_ENV = {
    "CELERY_VISIBILITY_TIMEOUT": "10",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    "CELERY_TASK_TIME_LIMIT": "8",
    "CELERY_TASK_SOFT_TIME_LIMIT": "6",
}

# Variables of the test process that must not leak into the worker (the worker gets its own).
_DROPPED_ENV = ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "PYTEST_CURRENT_TEST")


class WorkerError(RuntimeError):
    """The worker did not start, did not answer, or did not die; the message holds its log."""


# --------------------------------------------------------------------------------------------
# Environment
# --------------------------------------------------------------------------------------------


def database_url_for_worker(alias: str = "default") -> str:
    """A DATABASE_URL for the database Django is connected to NOW (the pytest-django test DB).

    Read at call time: inside a test with ``django_db`` the connection's NAME is the test
    database (``test_khoi_ci``), not the configured one. Only PostgreSQL (and SQLite files) can
    be shared with another process; the in-memory SQLite test database cannot.
    """
    from django.db import connections

    conn = connections[alias]
    sd = conn.settings_dict
    name = sd["NAME"]
    if conn.vendor == "postgresql":
        user = quote(sd.get("USER") or "", safe="")
        password = quote(sd.get("PASSWORD") or "", safe="")
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = quote(sd.get("HOST") or "", safe="")  # a socket directory becomes %2F…
        port = f":{sd['PORT']}" if sd.get("PORT") else ""
        return f"postgres://{auth}{host}{port}/{quote(str(name), safe='')}"
    if conn.vendor == "sqlite":
        if not name or conn.is_in_memory_db():
            raise WorkerError(
                "The test database is an in-memory SQLite database, which another process cannot "
                "open. Worker tests need PostgreSQL (DATABASE_URL=postgres://…) — use the "
                "`postgres` fixture."
            )
        return f"sqlite:///{Path(name).resolve()}"
    raise WorkerError(f"Cannot hand database vendor {conn.vendor!r} to a worker process")


def default_broker_url() -> str:
    from django.conf import settings

    return settings.CELERY_BROKER_URL


def nodename(name: str) -> str:
    """The node name ``-n NAME@%h`` expands to in the worker (Celery's %h is the full hostname)."""
    return f"{name}@{socket.gethostname()}"


def worker_env(
    broker_url: str | None = None,
    database_url: str | None = None,
    extra_env: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment a test worker runs with (also handy to run ``manage.py`` like the worker).

    The test process's environment, minus its database/broker, plus: DATABASE_URL of the test
    database, CELERY_BROKER_URL, the short timings of TEST_WORKER_ENV, MEDIA_ROOT of the test
    process (tests/conftest.py points it at a temporary directory, so files the worker writes
    are where the test looks for them), then ``extra_env`` last.
    """
    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "khoi.settings"),
            "DATABASE_URL": database_url or database_url_for_worker(),
            "CELERY_BROKER_URL": broker_url or default_broker_url(),
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "LOG_LEVEL": os.environ.get("KHOI_TEST_WORKER_LOG_LEVEL", "INFO"),
        }
    )
    env.update(TEST_WORKER_ENV)
    if extra_env:
        env.update({k: str(v) for k, v in extra_env.items()})
    return env


# --------------------------------------------------------------------------------------------
# Start, wait, kill
# --------------------------------------------------------------------------------------------


def start_worker(
    name: str,
    queues: Iterable[str] = DEFAULT_QUEUES,
    extra_env: Mapping[str, str] | None = None,
    *,
    broker_url: str | None = None,
    database_url: str | None = None,
    concurrency: int = 1,
    extra_args: Iterable[str] = (),
) -> subprocess.Popen:
    """Start ``celery -A khoi worker`` as a new session (its own process group) and return it.

    ``python -m celery -A khoi worker -P prefork -c 1 --without-mingle --without-gossip
    -n NAME@%h -l info -Q <queues>``, in the project directory, with ``worker_env()``.
    Call it INSIDE a test that has database access (the test database's name is read now).
    The returned Popen carries ``.nodename``, ``.log_path`` and ``.broker_url``. It does not
    wait: call ``wait_ready(proc)``. Always ``kill_group(proc)`` in a ``finally`` (or use the
    ``start_celery_worker`` fixture, which does).
    """
    from django.conf import settings

    env = worker_env(broker_url=broker_url, database_url=database_url, extra_env=extra_env)
    queue_list = ",".join(queues)
    cmd = [
        sys.executable, "-m", "celery", "-A", "khoi", "worker",
        "-P", "prefork", "-c", str(concurrency),
        "--without-mingle", "--without-gossip",
        "-n", f"{name}@%h",
        "-l", "info",
        "-Q", queue_list,
        *extra_args,
    ]  # fmt: skip
    fd, log_path = tempfile.mkstemp(prefix=f"khoi-celery-{name}-", suffix=".log")
    with os.fdopen(fd, "wb") as log:
        log.write(f"$ {' '.join(cmd)}\n# DATABASE_URL={env['DATABASE_URL']}\n".encode())
        log.flush()
        proc = subprocess.Popen(
            cmd,
            cwd=str(settings.BASE_DIR),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own session and process group: killpg() takes the children too
        )
    proc.nodename = nodename(name)  # type: ignore[attr-defined]
    proc.log_path = log_path  # type: ignore[attr-defined]
    proc.broker_url = env["CELERY_BROKER_URL"]  # type: ignore[attr-defined]
    proc.queues = tuple(queues)  # type: ignore[attr-defined]
    return proc


def worker_log(proc: subprocess.Popen, tail: int | None = 200) -> str:
    """The worker's output so far (the last ``tail`` lines; all of it with ``tail=None``)."""
    try:
        text = Path(proc.log_path).read_text(errors="replace")  # type: ignore[attr-defined]
    except (AttributeError, OSError) as exc:
        return f"<no log: {exc}>"
    if tail is not None:
        text = "\n".join(text.splitlines()[-tail:])
    return text


def print_log(proc: subprocess.Popen, why: str = "", tail: int | None = 200) -> None:
    """Print the worker's log (pytest shows captured output of failing tests)."""
    name = getattr(proc, "nodename", proc.pid)
    print(f"\n----- celery worker {name} (pid {proc.pid}) log{': ' + why if why else ''} -----")
    print(worker_log(proc, tail))
    print(f"----- end of log {getattr(proc, 'log_path', '')} -----")


def ping(proc: subprocess.Popen, timeout: float = 1.0) -> bool:
    """True when the worker answers a broadcast ping through the broker (``app.control.ping``)."""
    from khoi.celery import app

    with app.connection_for_write(proc.broker_url) as conn:  # type: ignore[attr-defined]
        replies = app.control.ping(destination=[proc.nodename], timeout=timeout, connection=conn)  # type: ignore[attr-defined]
    return any(proc.nodename in reply for reply in replies or [])  # type: ignore[attr-defined]


def wait_ready(proc: subprocess.Popen, timeout: float = 60.0) -> None:
    """Block until the worker answers a ping; raise WorkerError (log printed, group killed) if not.

    A pong means the task consumer is registered and the event loop runs (Celery starts the
    task consumer before the remote-control one), so a task sent now is taken.
    """
    deadline = time.monotonic() + timeout
    while True:
        code = proc.poll()
        if code is not None:
            print_log(proc, f"exited with {code} before answering")
            raise WorkerError(f"celery worker {proc.nodename} exited with {code}:\n{worker_log(proc, 60)}")  # type: ignore[attr-defined]
        try:
            if ping(proc, timeout=1.0):
                return
        except Exception as exc:  # noqa: BLE001 - broker not reachable yet, etc.: retry until the deadline
            last_error = exc
        else:
            last_error = None
        if time.monotonic() > deadline:
            print_log(proc, f"no ping reply in {timeout:.0f} s")
            kill_group(proc)
            raise WorkerError(
                f"celery worker {proc.nodename} did not answer a ping in {timeout:.0f} s"  # type: ignore[attr-defined]
                f"{f' (last error: {last_error!r})' if last_error else ''}:\n{worker_log(proc, 60)}"
            )
        time.sleep(0.2)


def group_pids(pgid: int) -> list[int]:
    """Live (non-zombie) processes whose process group is ``pgid`` (psutil if installed, else /proc)."""
    try:
        import psutil
    except ImportError:
        psutil = None
    pids = []
    if psutil is not None:
        for p in psutil.process_iter(["pid", "status"]):
            try:
                if p.info["status"] != psutil.STATUS_ZOMBIE and os.getpgid(p.info["pid"]) == pgid:
                    pids.append(p.info["pid"])
            except (ProcessLookupError, psutil.Error):
                continue
        return pids
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid pgrp …" — comm may contain spaces and parentheses.
        fields = stat[stat.rfind(")") + 2 :].split()
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state not in ("Z", "X"):
            pids.append(int(entry.name))
    return pids


def kill_group(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGKILL the worker's whole process group (main process + pool children), like a node crash.

    Nothing is acknowledged or requeued on the way down: a message the worker held stays
    unacked in Redis and comes back after the visibility timeout. Waits until no live process
    of the group is left; raises WorkerError if one survives ``timeout`` seconds. Safe to call
    twice, or on a worker that already exited.
    """
    pgid = proc.pid  # start_new_session=True: the worker leads its own group
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            pass
        left = group_pids(pgid)
        if not left and proc.poll() is not None:
            return
        if time.monotonic() > deadline:
            print_log(proc, f"processes {left} survived SIGKILL")
            raise WorkerError(f"celery worker {getattr(proc, 'nodename', pgid)}: {left} survived SIGKILL")


def pool_children(proc: subprocess.Popen) -> list[int]:
    """PIDs of the worker's pool processes (to kill only a child: variant (a) of the crash test)."""
    return [pid for pid in group_pids(proc.pid) if pid != proc.pid]
