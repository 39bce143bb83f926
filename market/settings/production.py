"""Production: PostgreSQL, Redis, HTTPS only. No default for any secret."""

from .base import *  # noqa: F403
from .base import DEFAULT_FILE_STORAGE_BACKEND, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # ImproperlyConfigured when missing: never generated here.
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A kept connection is checked before each request reuses it: a database restart costs no 500.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# Required: every limit's counter, the cache and Celery's queue must be shared by all nodes
# and survive a worker's restart. Without it they would live in each process.
# (base.py builds CACHES on CACHE_URL, which defaults to it.)
REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# The public address every emailed link uses (e.g. https://choso.example.vn): required.
SITE_URL = env("SITE_URL").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL
OSCAR_URL_SCHEMA = SITE_URL.partition("://")[0]
# Staff and organisers can mark orders paid, read vendors' ID numbers and reset their
# passwords: a leaked or reused password alone must not open that. On by default; the first
# login after deploying sends each of them to set up their code (/tai-khoan/2fa/cai-dat/).
OTP_REQUIRED_FOR_STAFF = env.bool("OTP_REQUIRED_FOR_STAFF", default=True)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The load balancer asks each node over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Oscar sets these cookies itself, outside Django's session settings.
OSCAR_BASKET_COOKIE_SECURE = True
OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = True

STORAGES = {
    "default": {"BACKEND": DEFAULT_FILE_STORAGE_BACKEND},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The SMTP server comes from EMAIL_URL; EMAIL_BACKEND, when set, still decides the backend
# (EMAIL_URL's parse carries a backend of its own, which must not override it).
EMAIL_URL = env.email_url("EMAIL_URL", default="smtp://localhost:25")
vars().update({k: v for k, v in EMAIL_URL.items() if k != "EMAIL_BACKEND"})
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_BACKEND = env("EMAIL_BACKEND", default=EMAIL_URL.get("EMAIL_BACKEND", SMTP_BACKEND))
