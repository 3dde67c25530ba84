"""Shared fixtures and hooks for the whole test suite.

Sections (add new fixtures to the section they belong to, or start a new one at the end):

1. Services that may be absent — ``require_service()``: skip normally, FAIL under
   ``KHOI_REQUIRE_SERVICES=1`` (as ``.ci/run``'s second pass sets), plus a hook that turns any
   skip into a failed run in that mode.
2. Test isolation — MEDIA_ROOT, STATIC_ROOT and the embedded Celery queue go to a temporary
   directory, never into the demo's ``var/``.
3. Markers by directory — ``tests/e2e/`` → ``e2e``; fixtures that need a service → ``services``.
4. PostgreSQL and Redis — ``postgres``, ``redis_url``, ``fresh_broker``.
5. Real Celery workers — ``start_celery_worker`` (factory; see ``tests/celery_worker.py``).
6. Browser — ``chromium_browser`` (session), ``page`` (per test, 1280×900; screenshot into
   ``test-results/`` when the test fails).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

TESTS_DIR = Path(__file__).resolve().parent
PROJECT_DIR = TESTS_DIR.parent

# ============================================================================================
# 1. Services that may be absent
# ============================================================================================

REQUIRE_SERVICES_ENV = "KHOI_REQUIRE_SERVICES"


def services_required() -> bool:
    """True when every service must be present and no test may skip (``KHOI_REQUIRE_SERVICES=1``)."""
    return os.environ.get(REQUIRE_SERVICES_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def require_service(name: str, available: bool, reason: str = "") -> None:
    """Skip the test when service ``name`` is not available — or fail it under KHOI_REQUIRE_SERVICES=1.

    Use it for anything the machine may lack (PostgreSQL, Redis, chromium, a Debian tool), never
    for a bug in our code::

        require_service("pdftotext", shutil.which("pdftotext") is not None, "apt-get install poppler-utils")
    """
    if available:
        return
    message = f"{name} not available" + (f": {reason}" if reason else "")
    if services_required():
        pytest.fail(f"{message} (required because {REQUIRE_SERVICES_ENV}=1)", pytrace=False)
    pytest.skip(message)


_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(report.nodeid)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid or "<collection>")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Runs before the terminal summary, so the changed exit status is what pytest returns.
    if services_required() and _skipped and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if services_required() and _skipped:
        terminalreporter.section(
            f"{REQUIRE_SERVICES_ENV}=1: skipped tests count as failures", sep="=", red=True
        )
        for nodeid in _skipped:
            terminalreporter.line(f"SKIPPED (not allowed) {nodeid}", red=True)


def pytest_report_header(config: pytest.Config) -> list[str]:
    from django.conf import settings
    from django.db import connection

    broker = urlsplit(settings.CELERY_BROKER_URL)
    where = f"{broker.hostname or ''}{broker.path}" if broker.scheme != "filesystem" else ""
    required = "1 (skips fail the run)" if services_required() else "0"
    header = f"khoi: database {connection.vendor}, Celery broker {broker.scheme}://{where}, "
    return [header + f"{REQUIRE_SERVICES_ENV}={required}"]


# ============================================================================================
# 2. Test isolation: no test writes into the demo's var/
# ============================================================================================

_tmp_root_key = pytest.StashKey[Path]()
_settings_override_key = pytest.StashKey[object]()


def pytest_configure(config: pytest.Config) -> None:
    """Point MEDIA_ROOT, STATIC_ROOT and the embedded (filesystem) Celery queue at a temporary directory.

    Without this, a test that enqueues a task on the embedded broker would leave a message in
    var/celery/queue that the demo's worker later runs against the demo database, and generated
    files would land in var/media. Worker subprocesses inherit MEDIA_ROOT (tests/celery_worker.py).
    Django is already set up here (pytest-django does it before conftest files load).
    """
    from django.conf import settings
    from django.test.utils import override_settings

    tmp = Path(tempfile.mkdtemp(prefix="khoi-tests-"))
    config.stash[_tmp_root_key] = tmp
    (tmp / "media").mkdir()
    (tmp / "static").mkdir()  # WhiteNoise warns about a missing STATIC_ROOT (live_server tests)
    overrides: dict[str, object] = {"MEDIA_ROOT": tmp / "media", "STATIC_ROOT": tmp / "static"}
    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        queue, processed = tmp / "celery" / "queue", tmp / "celery" / "processed"
        queue.mkdir(parents=True)
        processed.mkdir()
        overrides["CELERY_BROKER_TRANSPORT_OPTIONS"] = {
            **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "processed_folder": str(processed),
            "control_folder": str(tmp / "celery" / "control"),
        }
    override = override_settings(**overrides)
    override.enable()
    config.stash[_settings_override_key] = override

    from khoi.celery import app as celery_app

    if celery_app.configured and "CELERY_BROKER_TRANSPORT_OPTIONS" in overrides:
        celery_app.conf.broker_transport_options = overrides["CELERY_BROKER_TRANSPORT_OPTIONS"]


def pytest_unconfigure(config: pytest.Config) -> None:
    override = config.stash.get(_settings_override_key, None)
    if override is not None:
        override.disable()
    tmp = config.stash.get(_tmp_root_key, None)
    if tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)


# ============================================================================================
# 3. Markers by directory and by fixture
# ============================================================================================

_SERVICE_FIXTURES = {"postgres", "redis_url", "fresh_broker", "start_celery_worker"}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    e2e_dir = TESTS_DIR / "e2e"
    for item in items:
        path = Path(str(item.path)).resolve()
        if path.is_relative_to(e2e_dir):
            item.add_marker(pytest.mark.e2e)
        if _SERVICE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.services)


_phase_report_key = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    """Keep each phase's report on the item, so fixtures can tell in teardown that a test failed."""
    report = yield
    item.stash.setdefault(_phase_report_key, {})[report.when] = report
    return report


@pytest.fixture(autouse=True)
def _migrated_data_after_flush(request: pytest.FixtureRequest) -> None:
    """A transactional test starts with the rows the data migrations load, even when an earlier
    transactional test's flush emptied the tables."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return
    from tests.migrated_data import restore

    request.getfixturevalue("transactional_db")
    restore()


def node_failed(request: pytest.FixtureRequest) -> bool:
    """In a fixture's teardown: did the test (its setup or call) fail?"""
    reports = request.node.stash.get(_phase_report_key, {})
    return any(r.failed for r in reports.values())


# ============================================================================================
# 4. PostgreSQL and Redis
# ============================================================================================


@pytest.fixture
def postgres():
    """The default database connection, when it is PostgreSQL (``DATABASE_URL=postgres://…``).

    Skips (fails under KHOI_REQUIRE_SERVICES=1) on the embedded SQLite default.
    """
    from django.db import connection

    require_service(
        "PostgreSQL",
        connection.vendor == "postgresql",
        f"the database is {connection.vendor}; set DATABASE_URL=postgres://postgres@127.0.0.1:5432/khoi_ci",
    )
    return connection


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis broker URL (CELERY_BROKER_URL=redis://…), checked with a PING.

    Skips (fails under KHOI_REQUIRE_SERVICES=1) when the broker is not Redis or does not answer.
    """
    from django.conf import settings

    url = os.environ.get("CELERY_BROKER_URL") or settings.CELERY_BROKER_URL
    require_service(
        "Redis",
        url.startswith(("redis://", "rediss://")),
        f"CELERY_BROKER_URL is {url.split('://')[0]}://…; set CELERY_BROKER_URL=redis://127.0.0.1:6379/15",
    )
    try:
        import redis
    except ImportError:  # pragma: no cover - redis is a runtime dependency
        require_service("Redis", False, "the `redis` package is not installed")
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        ok, error = bool(client.ping()), ""
        client.close()
    except Exception as exc:  # noqa: BLE001 - any connection problem means "absent"
        ok, error = False, f"{type(exc).__name__}: {exc}"
    require_service("Redis", ok, f"{_redact(url)} does not answer PING {error}".strip())
    return url


def _redact(url: str) -> str:
    return re.sub(r"//[^@/]*@", "//***@", url)


def _redis_db(url: str) -> int:
    path = urlsplit(url).path.strip("/")
    return int(path) if path.isdigit() else 0


@pytest.fixture
def fresh_broker(redis_url: str) -> str:
    """The Redis broker database, emptied (FLUSHDB) before the test; returns its URL.

    Tests own the broker database named in CELERY_BROKER_URL (.ci/run uses /15): a message left
    unacknowledged by a worker killed in an earlier test or run would otherwise come back
    after the visibility timeout and run against a job with the same id. Database 0 is never
    flushed unless KHOI_TEST_FLUSH_REDIS=1 (it may be someone's real broker).
    """
    import redis

    if _redis_db(redis_url) != 0 or os.environ.get("KHOI_TEST_FLUSH_REDIS") == "1":
        client = redis.Redis.from_url(redis_url)
        client.flushdb()
        client.close()
    return redis_url


# ============================================================================================
# 5. Real Celery workers (tests/celery_worker.py)
# ============================================================================================


@pytest.fixture
def start_celery_worker(request: pytest.FixtureRequest, fresh_broker: str, postgres):
    """Factory: ``start_celery_worker(name, queues=("default", "reports"), extra_env=None, wait=True)``.

    Starts a real ``celery -A khoi worker`` process on Redis and the pytest-django TEST
    database (tests/celery_worker.py), waits for its ping, and returns its Popen (with
    ``.nodename`` and ``.log_path``). Every worker started is SIGKILLed with its process group
    at teardown; their logs are printed when the test failed. Needs
    ``@pytest.mark.django_db(transaction=True)``.
    """
    from tests.celery_worker import DEFAULT_QUEUES, kill_group, print_log, start_worker, wait_ready

    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    if not (transactional or "transactional_db" in request.fixturenames):
        pytest.fail(
            "start_celery_worker needs @pytest.mark.django_db(transaction=True): the worker is another "
            "process and only sees committed rows",
            pytrace=False,
        )
    # Make sure the test database exists and is the one the worker is told about.
    request.getfixturevalue("transactional_db")

    started = []

    def start(name="w1", queues=DEFAULT_QUEUES, extra_env=None, *, wait=True, timeout=60.0, **kwargs):
        proc = start_worker(name, queues, extra_env, broker_url=fresh_broker, **kwargs)
        started.append(proc)
        if wait:
            wait_ready(proc, timeout)
        return proc

    yield start

    failed = node_failed(request)
    errors = []
    for proc in started:
        if failed:
            print_log(proc, "test failed")
        try:
            kill_group(proc)
        except Exception as exc:  # noqa: BLE001 - kill the others first, then report
            errors.append(exc)
        else:
            if not failed:
                Path(proc.log_path).unlink(missing_ok=True)
    if errors:
        raise errors[0]


# ============================================================================================
# 6. Browser (Playwright driving Debian's chromium; no browser download)
# ============================================================================================

CHROMIUM = os.environ.get("KHOI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in CI: the sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",  # no attempts to reach closed networks
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
SCREENSHOT_DIR = PROJECT_DIR / "test-results"


@pytest.fixture(scope="session")
def chromium_browser():
    """One headless Chromium for the session (Playwright sync API, /usr/bin/chromium).

    Skips (fails under KHOI_REQUIRE_SERVICES=1) without playwright or chromium
    (``scripts/install-system-deps.sh --browser``). Sets DJANGO_ALLOW_ASYNC_UNSAFE: Playwright's
    sync API keeps an asyncio loop on the main thread, which would make Django refuse ORM calls
    from the test body and from pytest-django's database teardown.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_service(
            "chromium", False, "the `playwright` package is not installed (pip install -e '.[test]')"
        )
    require_service(
        "chromium",
        os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK),
        f"{CHROMIUM} not found (scripts/install-system-deps.sh --browser)",
    )

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # noqa: BLE001 - a broken browser install counts as absent
            require_service("chromium", False, f"could not launch {CHROMIUM}: {exc}")
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(request: pytest.FixtureRequest, chromium_browser):
    """A fresh browser context and page per test (viewport 1280×900, Vietnamese), closed afterwards.

    Combine with pytest-django's ``live_server`` and ``@pytest.mark.django_db(transaction=True)``
    (the server thread sees only committed rows). When the test fails, a full-page screenshot is
    saved to test-results/<test id>.png.
    """
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    context.set_default_timeout(10_000)
    pg = context.new_page()
    try:
        yield pg
        if node_failed(request):
            SCREENSHOT_DIR.mkdir(exist_ok=True)
            target = SCREENSHOT_DIR / (re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid) + ".png")
            try:
                pg.screenshot(path=str(target), full_page=True)
                print(f"screenshot: {target}")
            except Exception as exc:  # noqa: BLE001 - never hide the test's own failure
                print(f"screenshot failed: {exc}")
    finally:
        context.close()
