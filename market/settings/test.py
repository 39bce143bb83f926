"""Settings for ``make test``.

SQLite by default; CI sets DATABASE_URL (PostgreSQL) and REDIS_URL (cache). Celery stays
eager so tasks run inside the test, against the real database.
"""

import os
import tempfile
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHE_URL, CACHES, DATABASES, env

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-4c1d"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
MEDIA_ROOT = env.path("MEDIA_ROOT", default=tempfile.mkdtemp(prefix="choso-test-media-"))
ALLOWED_HOSTS = ["*"]

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, so that pytest --reuse-db keeps the migrated schema between runs.
    # PYTEST_DB_FILE gives a parallel checkout or worker a kept database of its own.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / env("PYTEST_DB_FILE", default=".pytest-db.sqlite3"))}

if CACHE_URL and os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw"):
    # Each test worker (pytest -n 2) counts its rate limits, and clears its cache, in a Redis
    # database of its own: gw0 the one in REDIS_URL, gw1 the next. (A key prefix would not
    # do: clearing a Redis cache flushes the whole database.)
    url = urlsplit(CACHE_URL)
    base = int(url.path.strip("/") or 0)
    worker = int(os.environ["PYTEST_XDIST_WORKER"][2:])
    for alias in CACHES.values():
        alias["LOCATION"] = urlunsplit(url._replace(path=f"/{(base + worker) % 16}"))

VIETQR_BANK_BIN = "970436"
VIETQR_ACCOUNT_NUMBER = "1023456789"
VIETQR_ACCOUNT_NAME = "HTX CHO SO"
BANK_WEBHOOK_SECRET = ["test-bank-webhook-secret"]
SEPAY_WEBHOOK_API_KEY = ["test-sepay-api-key"]
SEPAY_WEBHOOK_HMAC_SECRET = ["whsec_test_sepay_secret"]
CASSO_WEBHOOK_CHECKSUM_KEY = ["test-casso-checksum-key"]
CASSO_WEBHOOK_SECURE_TOKEN = ["test-casso-secure-token"]
# The pull is tested against loopback servers replaying the providers' recorded answers.
SEPAY_API_TOKEN = ""
CASSO_API_KEY = ""
# Card payments are tested against localstripe on loopback (tests/conftest.py starts it and
# sets STRIPE_API_BASE); without keys the card gateway is simply not offered.
STRIPE_WEBHOOK_SECRET = "whsec_test_choso"
# As production ships: codes on the approval slip. Tests of texts switch to core.sms.LocmemBackend.
SMS_BACKEND = "core.sms.DisabledBackend"
DEMO_DATA_ALLOWED = True  # load_demo may run here (see base.py)
