"""Bank-feed deliveries as each provider signs them, for the tests (keys from the test settings)."""

import json
import time
from pathlib import Path

from django.urls import reverse

from payments.bank_feeds import casso, generic, sepay
from payments.bank_feeds.common import configured_secrets

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "bank"

# Each scheme → the provider (URL) that takes it.
SCHEMES = {
    "generic": "generic",
    "sepay-hmac": "sepay",
    "sepay-apikey": "sepay",
    "casso-v2": "casso",
    "casso-v1": "casso",
}


SETTING = {
    "generic": "BANK_WEBHOOK_SECRET",
    "sepay-hmac": "SEPAY_WEBHOOK_HMAC_SECRET",
    "sepay-apikey": "SEPAY_WEBHOOK_API_KEY",
    "casso-v2": "CASSO_WEBHOOK_CHECKSUM_KEY",
    "casso-v1": "CASSO_WEBHOOK_SECURE_TOKEN",
}


def _secret(scheme: str) -> str:
    """The (first) secret the test settings give ``scheme``."""
    return configured_secrets(SETTING[scheme])[0]


def feed_headers(scheme: str, body: bytes, *, secret: str | None = None, at: float | None = None) -> dict[str, str]:
    """The headers the provider sends with ``body`` under ``scheme``, signed at ``at`` (Unix time, default now)."""
    secret = _secret(scheme) if secret is None else secret
    moment = time.time() if at is None else at
    if scheme == "generic":
        return {"X-Signature": generic.sign(body, secret)}
    if scheme == "sepay-hmac":
        stamp = int(moment)
        return {"X-SePay-Signature": sepay.sign(body, secret, stamp), "X-SePay-Timestamp": str(stamp)}
    if scheme == "sepay-apikey":
        return {"Authorization": f"Apikey {secret}"}
    if scheme == "casso-v2":
        return {"X-Casso-Signature": casso.sign(json.loads(body), secret, int(moment * 1000))}
    if scheme == "casso-v1":
        return {"Secure-Token": secret}
    raise ValueError(scheme)


def feed_url(provider: str) -> str:
    return reverse("payments:bank-webhook", kwargs={"provider": provider})


def post_feed(client, scheme: str, body: bytes, *, provider: str | None = None, **signing):
    """POST ``body`` to the provider of ``scheme``, signed as that provider signs it."""
    return client.post(
        feed_url(provider or SCHEMES[scheme]),
        data=body,
        content_type="application/json",
        headers=feed_headers(scheme, body, **signing),
    )


def fixture_text(name: str, *, number: str, amount, when: str = "") -> str:
    """A recorded provider body from ``tests/fixtures/bank/``, for this order number, amount and time."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return text.replace("{number}", number).replace("{amount}", str(int(amount))).replace("{when}", when)


def awaiting_order(client):
    """A VietQR order of 150.000 ₫ (120.000 ₫ of goods and 30.000 ₫ delivery), awaiting payment."""
    from oscar.core.loading import get_model

    from tests.factories import CooperativeFactory, checkout, make_product, order_number_from

    product = make_product(cooperative=CooperativeFactory(shipping_fee=30000), price=120000, stock=5)
    return get_model("order", "Order").objects.get(number=order_number_from(checkout(client, [product])))
