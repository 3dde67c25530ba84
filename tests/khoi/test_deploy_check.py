"""`manage.py check --deploy` with production settings (DEBUG=0) reports nothing — and does warn
when a production setting is missing, so this test can fail (research/reliability.md §3.1)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]

# Variables of the caller's environment that would change what the check sees.
_CLEARED = (
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "CSRF_TRUSTED_ORIGINS", "KHOI_VAR_DIR",
    "MEDIA_ROOT", "STATIC_ROOT", "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests for Playwright; never in production
)  # fmt: skip


def run_deploy_check(tmp_path: Path, **env_vars: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env.update(
        {
            "DEBUG": "0",
            "ALLOWED_HOSTS": "khoi.example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
            "KHOI_VAR_DIR": str(tmp_path / "var"),
        }
    )
    env.update(env_vars)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def strong_secret_key() -> str:
    return secrets.token_urlsafe(64)  # 86 characters, far more than 5 distinct


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_deploy_check(tmp_path, SECRET_KEY=strong_secret_key())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output, output


def test_default_secret_key_is_refused_in_production(tmp_path):
    result = run_deploy_check(tmp_path)  # DEBUG=0 but the built-in demo key
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "security.W009" in output, output  # SECRET_KEY weak / django-insecure- prefix


@pytest.mark.parametrize(
    ("env_vars", "warning"),
    [
        ({"DEBUG": "1"}, "security.W018"),  # DEBUG on in deployment
        ({"SECURE_SSL_REDIRECT": "0"}, "security.W008"),  # no HTTPS redirect
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),  # no HSTS
    ],
)
def test_unsafe_production_overrides_are_reported(tmp_path, env_vars, warning):
    result = run_deploy_check(tmp_path, SECRET_KEY=strong_secret_key(), **env_vars)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert warning in output, output
