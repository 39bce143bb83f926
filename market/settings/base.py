"""Settings shared by every environment.

Values come from the environment (django-environ); ``.env.example`` lists each variable.
``dev`` and ``test`` add safe defaults for a laptop; ``production`` has no default for
secrets and refuses to start without them.
"""

import datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.money import VND_FORMAT

from .environment import BASE_DIR, env, env_secrets  # noqa: F401  (dev, test and production read them here)

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.humanize",
    "django.contrib.postgres",
]

THIRD_PARTY_APPS = [
    # Oscar, with our forks in the place of the apps they replace.
    "oscar.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "payments.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "ocop_catalog.shipping.apps.ShippingConfig",
    "ocop_catalog.catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "oscar.apps.partner.apps.PartnerConfig",
    "ocop_catalog.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "oscar.apps.order.apps.OrderConfig",
    "oscar.apps.customer.apps.CustomerConfig",
    "oscar.apps.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "oscar.apps.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "django_tables2",
    # Login doors: lockout after wrong passwords, and two-factor codes for staff.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]

LOCAL_APPS = [
    "core",
    "market",
    "ocop_catalog",
    "payments",
    "merchants",
    "market.stats",
    "market.accounts",
]

INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early: an oversized body is refused before anything reads it.
    "market.middleware.RequestBodyLimitMiddleware",
    "market.middleware.AreaContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "market.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "market.middleware.LoggedInNoStoreMiddleware",
    "market.middleware.LimitsUnavailableMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "market.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "market.urls"
WSGI_APPLICATION = "market.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
                "market.context_processors.site_nav",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: Celery's broker (REDIS_URL) and the shared cache (CACHE_URL, the same by default; a
# separate database or instance in production, docs/deploy.md). Two cache aliases on it:
# "default" degrades to a miss while Redis is down (pages still answer, a little slower);
# "limits" holds the attempt counters of the sensitive doors and raises instead, so that
# core.ratelimit can refuse (fail closed) rather than let guesses through uncounted.
REDIS_URL = env("REDIS_URL", default="")
CACHE_URL = env("CACHE_URL", default="") or REDIS_URL


def redis_cache(location: str, *, tolerant: bool, prefix: str = "") -> dict:
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": prefix,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": tolerant,
            # A Redis that is down or unreachable costs a page half a second at most.
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    }


if CACHE_URL:
    CACHES = {
        "default": redis_cache(CACHE_URL, tolerant=True),
        "limits": redis_cache(CACHE_URL, tolerant=False, prefix="limits"),
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "limits"},
    }
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

AUTHENTICATION_BACKENDS = [
    # First: refuses any password, right or wrong, while the username is locked out here.
    "market.accounts.lockout.LockoutBackend",
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/shop/accounts/login/"
LOGIN_REDIRECT_URL = "/coop/"

# Vietnamese first, English second. See market.middleware for why the browser's
# Accept-Language header does not switch the language on its own.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# locale/: our strings (written in Vietnamese; en holds the English). locale_oscar/: fixes
# and additions to Oscar's own catalogues on the buyer's path. Ours must come first.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_oscar"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Everything the app writes (photos and their renditions, logos, Wagtail images and documents,
# placard PDFs) goes through the default storage: local disk (MEDIA_ROOT) unless a bucket is
# named, then S3-compatible object storage shared by every node (django-storages' settings).
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default="") or None
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default="") or None
# Providers other than AWS (MinIO, Viettel, VNPT, FPT) expect bucket names in the path.
AWS_S3_ADDRESSING_STYLE = env("AWS_S3_ADDRESSING_STYLE", default="path" if AWS_S3_ENDPOINT_URL else "") or None
AWS_DEFAULT_ACL = None  # objects stay private; market.media streams the public ones
AWS_S3_FILE_OVERWRITE = False  # a new file gets a new name, as on disk
DEFAULT_FILE_STORAGE_BACKEND = (
    "core.storage.MediaS3Storage" if AWS_STORAGE_BUCKET_NAME else "django.core.files.storage.FileSystemStorage"
)
STORAGES = {
    "default": {"BACKEND": DEFAULT_FILE_STORAGE_BACKEND},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# /media/ is served by market.media from the default storage, except these prefixes: placard
# PDFs (organisers download them through their own view) and Wagtail documents (Wagtail's view).
MEDIA_PRIVATE_PREFIXES = ["placards/", "documents/"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"

SITE_ID = 1
# The one public address of the site (scheme and host, no path). Every absolute link in an
# email comes from it (core.urls.absolute_url, Wagtail's WAGTAILADMIN_BASE_URL, Oscar's
# OSCAR_URL_SCHEMA and the Site row that ``manage.py site_configure`` writes), never from the
# request's Host header. Production has no default.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

PHONENUMBER_DEFAULT_REGION = "VN"
# How many reverse proxies we trust in front of Django (nginx alone: 1). The client is that
# many addresses from the right of X-Forwarded-For; 0 means REMOTE_ADDR. See core.ratelimit.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

# --- Login doors ---------------------------------------------------------------------
# django-axes counts wrong passwords in the database (shared by every node) on each door
# that calls authenticate(): /django-admin/, /cms/, /shop/accounts/login/, /stalls/login/.
# Locked per (username, client address), never per address alone: a whole village may
# share one carrier NAT address. Unlock: /django-admin/ → Axes → Access attempts, or
# ``manage.py axes_reset_username USERNAME``.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Tries during the lock are refused but not counted, so the lock ends 15 minutes after the
# 10th wrong password, as the lock page says, however often the vendor tries again meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_ip"
# Masked in the attempts axes stores: Oscar's login form posts "login-password", which axes
# would otherwise keep as typed (a wrong password is often the right one with a typo).
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "login-username",
    "login-password",
    "registration-password1",
    "registration-password2",
]
AXES_USERNAME_CALLABLE = "market.accounts.lockout.login_username"
AXES_LOCKOUT_CALLABLE = "market.accounts.lockout.lockout_response"
# Two-factor codes (TOTP, django-otp). Anyone may turn them on at /tai-khoan/2fa/cai-dat/;
# with OTP_REQUIRED_FOR_STAFF, staff and organisers must (production's default).
OTP_REQUIRED_FOR_STAFF = env.bool("OTP_REQUIRED_FOR_STAFF", default=False)
OTP_TOTP_ISSUER = "Chợ Số"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# A broker that is down or unreachable must not hold a web request: publishing gives up fast
# (the effect stays in the outbox, core.outbox, and the sweeper sends it later).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
# A task whose worker died mid-run goes back to the queue (each is idempotent, or an outbox effect).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# How often beat sweeps the outbox for effects not done (core.outbox), in seconds.
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=60)

# --- Oscar ----------------------------------------------------------------------------
from oscar.defaults import *  # noqa: E402,F403  Oscar's defaults first; ours below win.

OSCAR_SHOP_NAME = "Chợ Số"
OSCAR_SHOP_TAGLINE = _("Sản phẩm OCOP từ các hợp tác xã")
OSCAR_DEFAULT_CURRENCY = "VND"
# Oscar's babel |currency filter and our |vnd (core.money.format_vnd) print money through
# one pattern: "125.000 ₫" in both languages.
OSCAR_CURRENCY_FORMAT = {"VND": VND_FORMAT}
OSCAR_SLUG_FUNCTION = "core.text.slugify_vi"
OSCAR_THUMBNAILER = "ocop_catalog.renditions.OscarThumbnailer"
OSCAR_HOMEPAGE = "/"
OSCAR_PRODUCTS_PER_PAGE = 20
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="no-reply@choso.local")
OSCAR_MISSING_IMAGE_URL = "image_not_found.jpg"
# Oscar's emails link to OSCAR_URL_SCHEMA://<Site.domain>; both come from SITE_URL.
OSCAR_URL_SCHEMA = SITE_URL.partition("://")[0]
# Order statuses live in payments.status and change only through payments' services
# (paid, cancelled, expired: each with its payment records and audit). Oscar's own
# pipeline is left empty so its dashboard offers no status change that would skip them.
# Settings import no app code: the initial status is written out, and payments.checks
# stops `check` if it is not payments.status.AWAITING_PAYMENT.
OSCAR_ORDER_STATUS_PIPELINE = {}
OSCAR_INITIAL_ORDER_STATUS = "awaiting-payment"


def _staff_only(user, url_name, url_args=None, url_kwargs=None) -> bool:
    """``access_fn`` for our entries in Oscar's dashboard menu: platform staff only."""
    return user.is_staff


OSCAR_DASHBOARD_NAVIGATION = [
    *OSCAR_DASHBOARD_NAVIGATION,  # noqa: F405
    {
        "label": pgettext_lazy("menu", "Thanh toán"),
        "icon": "fas fa-money-bill",
        "children": [
            {
                "label": _("Giao dịch ngân hàng"),
                "url_name": "payments:staff-transactions",
                "access_fn": _staff_only,
            },
            {"label": _("Nhập sao kê"), "url_name": "payments:staff-import", "access_fn": _staff_only},
            {
                "label": _("Nguồn thông báo ngân hàng"),
                "url_name": "payments:staff-feeds",
                "access_fn": _staff_only,
            },
        ],
    },
]
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
# The catalogue listing is database-backed (see ocop_catalog.selectors); nothing reads
# a search index, so product saves must not pay for keeping one up to date.
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"

# --- Payments, bank feeds, Stripe, the cashless street, SMS ---------------------------
from .services import *  # noqa: E402,F403

# --- Wagtail --------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Chợ Số"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_I18N_ENABLED = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no avatars from a third-party origin
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no call to releases.wagtail.org (the admin policy refuses it)
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- Uploads --------------------------------------------------------------------------
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
# The largest legitimate request is a cooperative's product form: up to 8 photos
# (ocop_catalog.forms.MultiplePhotoField) of PHOTO_MAX_BYTES each, plus its fields: 42 MiB.
# Anything larger is refused with 413 before its body is read (market.middleware); the
# reverse proxy's client_max_body_size must be the same (.env.example).
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=8 * PHOTO_MAX_BYTES + 2 * 1024 * 1024)
# Wagtail's uploader then refuses a larger document in the browser, before sending it.
WAGTAILDOCS_MAX_UPLOAD_SIZE = MAX_REQUEST_BYTES - 2 * 1024 * 1024
# Serve /media/ from Django (market.media). Off only where the reverse proxy serves MEDIA_ROOT
# from this machine's disk itself (one machine, no bucket).
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)

# load_demo gives every demo login one published password: it refuses to run unless the
# settings module says demo data belongs here (dev and test do) or --allow-production is given.
DEMO_DATA_ALLOWED = False

# --- Content-Security-Policy -----------------------------------------------------------
from .csp import *  # noqa: E402,F403

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
