import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.settings_loader import load_settings, production_settings

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    base.update(DJANGO_SETTINGS_MODULE="market.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL="sqlite:///:memory:",
        ALLOWED_HOSTS="choso.example.org",
        SITE_URL="https://choso.example.org",
        REDIS_URL="redis://127.0.0.1:6379/9",
        SEPAY_WEBHOOK_HMAC_SECRET=secrets.token_urlsafe(24),  # without a bank feed: payments.W001
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings(
            "market.settings.production", DATABASE_URL="sqlite:///:memory:", ALLOWED_HOSTS="choso.example.org"
        )


def test_oscar_cookies_are_secure_in_production():
    s = production_settings()
    assert (
        s.OSCAR_BASKET_COOKIE_SECURE,
        s.OSCAR_RECENTLY_VIEWED_COOKIE_SECURE,
        s.SESSION_COOKIE_SECURE,
        s.CSRF_COOKIE_SECURE,
        s.OSCAR_DEFAULT_CURRENCY,
        s.TIME_ZONE,
        s.LANGUAGE_CODE,
    ) == (True, True, True, True, "VND", "Asia/Ho_Chi_Minh", "vi")


def test_settings_import_no_app_code_and_the_initial_status_is_checked(settings):
    from payments.checks import initial_order_status_check

    base = (ROOT / "market" / "settings" / "base.py").read_text()
    assert not [
        line
        for line in base.splitlines()
        if line.startswith(("from payments", "from merchants", "import "))
        and any(app in line for app in ("payments", "merchants", "ocop_catalog", "core."))
    ]
    assert initial_order_status_check(None) == []
    settings.OSCAR_INITIAL_ORDER_STATUS = "Pending"
    assert [e.id for e in initial_order_status_check(None)] == ["payments.E004"]


def test_a_blank_line_in_the_env_file_means_the_default_not_empty():
    s = production_settings(
        REDIS_URL="redis://127.0.0.1:6379/0",
        OTP_REQUIRED_FOR_STAFF="",
        EMAIL_BACKEND="",
        SMS_BACKEND=" ",
        CONN_MAX_AGE="",
        NUM_PROXIES="",
        CACHE_URL="",
        AWS_STORAGE_BUCKET_NAME="",
    )
    assert (s.OTP_REQUIRED_FOR_STAFF, s.EMAIL_BACKEND, s.SMS_BACKEND, s.NUM_PROXIES) == (
        True,
        "django.core.mail.backends.smtp.EmailBackend",
        "core.sms.DisabledBackend",
        0,
    )
    database = s.DATABASES["default"]
    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (60, True)
    assert s.CACHES["default"]["LOCATION"] == "redis://127.0.0.1:6379/0"  # CACHE_URL blank: the broker's Redis
    assert s.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
