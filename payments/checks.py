"""System checks for the bank feeds: a malformed sender allowlist stops ``check`` (and every
management command) with one line, instead of refusing every webhook at run time."""

from django.conf import settings
from django.core.checks import Error, Warning, register

from . import status
from .bank_feeds import FEEDS
from .bank_feeds.common import configured_secrets

SECRET_SETTINGS = (
    "BANK_WEBHOOK_SECRET",
    "SEPAY_WEBHOOK_API_KEY",
    "SEPAY_WEBHOOK_HMAC_SECRET",
    "CASSO_WEBHOOK_CHECKSUM_KEY",
    "CASSO_WEBHOOK_SECURE_TOKEN",
)


@register()
def bank_feed_allowlists_check(app_configs, **kwargs):
    errors = []
    for feed in FEEDS.values():
        try:
            feed.allowed_ips()
        except ValueError as exc:
            errors.append(
                Error(
                    f"{feed.allowed_ips_setting}: {exc}",
                    hint="Comma-separated addresses or CIDR blocks.",
                    id="payments.E001",
                )
            )
    return errors


@register()
def initial_order_status_check(app_configs, **kwargs):
    """Settings write Oscar's initial status out (they import no app code); it must be ours."""
    if settings.OSCAR_INITIAL_ORDER_STATUS != status.AWAITING_PAYMENT:
        return [
            Error(
                f"OSCAR_INITIAL_ORDER_STATUS is {settings.OSCAR_INITIAL_ORDER_STATUS!r}, "
                f"not payments.status.AWAITING_PAYMENT ({status.AWAITING_PAYMENT!r}).",
                id="payments.E004",
            )
        ]
    return []


@register()
def bank_feed_settings_check(app_configs, **kwargs):
    """A pull period that is not positive, or a secret that kept a comment from its .env line."""
    errors = []
    if settings.BANK_FEED_PULL_MINUTES <= 0 or settings.BANK_FEED_PULL_HOURS <= 0:
        errors.append(Error("BANK_FEED_PULL_MINUTES and BANK_FEED_PULL_HOURS must be positive.", id="payments.E002"))
    for name in SECRET_SETTINGS:
        if any(" #" in secret or secret.startswith("#") for secret in configured_secrets(name)):
            errors.append(
                Error(
                    f"{name} contains a '#' after a space: a comment copied into the value?",
                    hint="In .env a value is everything after '='; put comments on their own line.",
                    id="payments.E003",
                )
            )
    return errors


@register(deploy=True)
def bank_feeds_configured_check(app_configs, **kwargs):
    if any(any(feed.schemes().values()) for feed in FEEDS.values()):
        return []
    return [
        Warning(
            "No bank feed has a webhook secret: VietQR transfers are confirmed only by statement import or by hand.",
            hint="See docs/bank-feeds.md (SEPAY_WEBHOOK_HMAC_SECRET, CASSO_WEBHOOK_CHECKSUM_KEY).",
            id="payments.W001",
        )
    ]
