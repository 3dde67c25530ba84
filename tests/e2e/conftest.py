"""Hooks for the browser tests (tests/e2e/; the shared fixtures are in tests/conftest.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

E2E_DIR = Path(__file__).resolve().parent


@pytest.hookimpl(trylast=True)  # after pytest-django's ordering (db, transactional, then no db)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the browser tests last, after every other test of the session.

    ``chromium_browser`` (session scope) sets DJANGO_ALLOW_ASYNC_UNSAFE until the session ends,
    and must: Playwright's event loop stays on the main thread, and the test database's
    teardown at the end of the session needs the variable too. pytest-django runs the tests
    that need no database after the transactional ones, so without this they would inherit
    the variable: tests/khoi/test_deploy_check.py passes the environment to
    ``manage.py check --deploy``, which then fails on Django's "DJANGO_ALLOW_ASYNC_UNSAFE …
    in deployment" warning. Moving these tests to the end keeps their order among themselves.
    """
    browser_tests = [item for item in items if Path(str(item.path)).resolve().is_relative_to(E2E_DIR)]
    if browser_tests and len(browser_tests) < len(items):
        others = [item for item in items if not Path(str(item.path)).resolve().is_relative_to(E2E_DIR)]
        items[:] = others + browser_tests
