"""Laptop defaults: SQLite, eager Celery, DEBUG on. ``make run`` uses these."""

from .base import *  # noqa: F403
from .base import env, env_secrets

# DEBUG stays off so a demo shows the real Vietnamese 404/500 pages; set DEBUG=true in .env
# for Django's debug pages. Static files come through WhiteNoise's finders either way.
DEBUG = env.bool("DEBUG", default=False)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SECRET_KEY = env("SECRET_KEY", default="dev-only-not-secret-chợ-số-8f2b1c9e7d6a")
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# A demo receiving account, so the VietQR transfer can be tried on a fresh machine. The QR
# is real and scannable; do not send money to it.
VIETQR_BANK_BIN = env("VIETQR_BANK_BIN", default="970436")
VIETQR_ACCOUNT_NUMBER = env("VIETQR_ACCOUNT_NUMBER", default="1023456789")
VIETQR_ACCOUNT_NAME = env("VIETQR_ACCOUNT_NAME", default="HTX DEMO CHO SO")
# Example keys for every feed scheme, so each can be tried with curl (README, "Paying in the demo");
# an empty value (a copied .env.example) keeps the example key.
BANK_WEBHOOK_SECRET = env_secrets("BANK_WEBHOOK_SECRET") or ["dev-bank-webhook-secret"]
SEPAY_WEBHOOK_API_KEY = env_secrets("SEPAY_WEBHOOK_API_KEY") or ["dev-sepay-api-key"]
SEPAY_WEBHOOK_HMAC_SECRET = env_secrets("SEPAY_WEBHOOK_HMAC_SECRET") or ["whsec_dev_sepay_secret"]
CASSO_WEBHOOK_CHECKSUM_KEY = env_secrets("CASSO_WEBHOOK_CHECKSUM_KEY") or ["dev-casso-checksum-key"]
CASSO_WEBHOOK_SECURE_TOKEN = env_secrets("CASSO_WEBHOOK_SECURE_TOKEN") or ["dev-casso-secure-token"]
SMS_BACKEND = env("SMS_BACKEND", default="core.sms.ConsoleBackend")
DEMO_DATA_ALLOWED = True  # load_demo may run here (see base.py)
