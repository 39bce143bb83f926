"""Settings the apps read for money and messages: payment gateways, the platform's VietQR
account, bank-notification feeds and their pull, Stripe, the cashless street's placards and
codes, and SMS. Each value comes from the environment (``.env.example`` lists them)."""

import datetime

from .environment import env, env_secrets

# --- Payments (payments/) ---------------------------------------------------------------
# Gateways offered at checkout, in this order; each is enabled only when configured.
PAYMENT_GATEWAYS = [
    "payments.gateways.vietqr_transfer.VietQRTransferGateway",
    "payments.gateways.stripe.gateway.StripeCardGateway",
    "payments.gateways.cash_on_delivery.CashOnDeliveryGateway",
]
# The platform's receiving account for VietQR transfers (BIN from the NAPAS list).
VIETQR_BANK_BIN = env("VIETQR_BANK_BIN", default="")
VIETQR_ACCOUNT_NUMBER = env("VIETQR_ACCOUNT_NUMBER", default="")
VIETQR_ACCOUNT_NAME = env("VIETQR_ACCOUNT_NAME", default="")
# Unpaid transfer and card orders are cancelled and their stock released after this long.
PAYMENT_EXPIRY = datetime.timedelta(hours=env.float("PAYMENT_EXPIRY_HOURS", default=24))
# Transfers into other accounts than the platform's are offered to these matchers in turn.
BANK_ACCOUNT_MATCHERS = ["merchants.services.stall_transfer_match"]
# Told when a market's stalls, applications, QR codes or payments change (merchants.hooks).
MARKET_CHANGED_HOOKS = ["market.stats.tasks.market_facts_refresh"]
# Bank-notification feeds (payments/bank_feeds/, docs/bank-feeds.md). Each provider is verified
# by its own scheme with its own secret; an unset secret means that scheme is refused.
# Our own scheme (/payments/webhooks/bank/generic/): HMAC-SHA256 of the raw body in X-Signature.
# Each secret is a list: several webhooks (the platform's, a cooperative's) may each have their own.
BANK_WEBHOOK_SECRET = env_secrets("BANK_WEBHOOK_SECRET")
# SePay: "API Key" authentication (Authorization: Apikey <key>) and "HMAC-SHA256" (the webhook's secret key).
SEPAY_WEBHOOK_API_KEY = env_secrets("SEPAY_WEBHOOK_API_KEY")
SEPAY_WEBHOOK_HMAC_SECRET = env_secrets("SEPAY_WEBHOOK_HMAC_SECRET")
# Casso: webhook v2's checksum key (X-Casso-Signature) and the older v1's secure-token.
CASSO_WEBHOOK_CHECKSUM_KEY = env_secrets("CASSO_WEBHOOK_CHECKSUM_KEY")
CASSO_WEBHOOK_SECURE_TOKEN = env_secrets("CASSO_WEBHOOK_SECURE_TOKEN")
# A signed timestamp (SePay HMAC, Casso v2) older or newer than this is refused as a replay.
BANK_WEBHOOK_TOLERANCE_SECONDS = env.int("BANK_WEBHOOK_TOLERANCE_SECONDS", default=300)
# Optional allowlists of sender addresses or CIDR blocks, read through NUM_PROXIES (core.ratelimit).
# SePay publishes its addresses (developer.sepay.vn, "Địa chỉ IP"); Casso publishes none.
SEPAY_WEBHOOK_ALLOWED_IPS = env.list("SEPAY_WEBHOOK_ALLOWED_IPS", default=[])
CASSO_WEBHOOK_ALLOWED_IPS = env.list("CASSO_WEBHOOK_ALLOWED_IPS", default=[])
BANK_WEBHOOK_ALLOWED_IPS = env.list("BANK_WEBHOOK_ALLOWED_IPS", default=[])
# The pull: each provider with an API key is read every BANK_FEED_PULL_MINUTES for the last
# BANK_FEED_PULL_HOURS, so a notification lost beyond the provider's retries is still matched.
SEPAY_API_TOKEN = env("SEPAY_API_TOKEN", default="").strip()
SEPAY_API_URL = env("SEPAY_API_URL", default="https://my.sepay.vn/userapi/")
CASSO_API_KEY = env("CASSO_API_KEY", default="").strip()
CASSO_API_URL = env("CASSO_API_URL", default="https://oauth.casso.vn/v2/")
BANK_FEED_PULL_MINUTES = env.float("BANK_FEED_PULL_MINUTES", default=15)
BANK_FEED_PULL_HOURS = env.float("BANK_FEED_PULL_HOURS", default=6)
# A configured feed with no notification for this long is shown (and reported) as degraded.
BANK_FEED_SILENT_HOURS = env.float("BANK_FEED_SILENT_HOURS", default=24)
# A transfer the pull found counts as "missed by the webhook" once the provider's retries are
# over (SePay retries for about 33 minutes).
BANK_FEED_WEBHOOK_GRACE_MINUTES = env.float("BANK_FEED_WEBHOOK_GRACE_MINUTES", default=40)
# A transfer naming an order that does not exist yet is matched when that order is placed
# within this many hours of the transfer; after that, staff match it by hand.
BANK_EARLY_MATCH_HOURS = env.float("BANK_EARLY_MATCH_HOURS", default=2)
# Stripe: card payments are offered only when both keys and the webhook secret are set.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
# Where the API and Stripe.js come from; tests point both at localstripe on loopback.
STRIPE_API_BASE = env("STRIPE_API_BASE", default="https://api.stripe.com")
STRIPE_JS_URL = env("STRIPE_JS_URL", default="https://js.stripe.com/v3/")
# Stripe's limits for VND, a zero-decimal currency: amounts are whole dong, never ×100.
STRIPE_VND_MIN = 13_000
STRIPE_VND_MAX = 99_999_999

# --- Cashless street (merchants/) ----------------------------------------------------
# Placards are drawn with DejaVu Sans (Debian's fonts-dejavu-core), which has every
# Vietnamese mark.
PLACARD_FONT_DIR = env("PLACARD_FONT_DIR", default="/usr/share/fonts/truetype/dejavu")
# A vendor's one-time code to set their password (shown once to the organiser who approves)
# is valid this long, and stops working after this many wrong tries.
VENDOR_CODE_VALID = datetime.timedelta(days=env.int("VENDOR_CODE_VALID_DAYS", default=7))
VENDOR_CODE_MAX_FAILURES = 5

# --- SMS (core/sms.py) ------------------------------------------------------------------
# Off unless configured: the organiser hands one-time codes over on the approval slip.
# "core.sms.EsmsBackend" sends them (and account-change notices) through eSMS.vn.
SMS_BACKEND = env("SMS_BACKEND", default="core.sms.DisabledBackend")
SMS_ESMS_URL = env(
    "SMS_ESMS_URL", default="https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/"
)
SMS_ESMS_API_KEY = env("SMS_ESMS_API_KEY", default="")
SMS_ESMS_SECRET_KEY = env("SMS_ESMS_SECRET_KEY", default="")
SMS_ESMS_BRANDNAME = env("SMS_ESMS_BRANDNAME", default="")
SMS_ESMS_SANDBOX = env.bool("SMS_ESMS_SANDBOX", default=False)
