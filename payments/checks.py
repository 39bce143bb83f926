"""System checks for the bank feeds: a malformed sender allowlist stops ``check`` (and every
management command) with one line, instead of refusing every webhook at run time."""

from django.core.checks import Error, Warning, register

from .bank_feeds import FEEDS


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
