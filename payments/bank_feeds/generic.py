"""Our own feed scheme, for a bank or gateway that can be told how to sign.

The body is JSON, ``{"id", "account_number", "amount", "description", "occurred_at",
"direction", "reference"}`` (direction ``in``/``out``, default ``in``) or a list of them,
signed with HMAC-SHA256 over the raw body under ``BANK_WEBHOOK_SECRET``; the hex digest goes
in ``X-Signature`` (an optional ``sha256=`` prefix is accepted).
"""

from .common import (
    Delivery,
    Feed,
    IncomingTransfer,
    SignatureRefused,
    amount,
    clean,
    configured_secrets,
    digest_matches,
    hex_digest,
    hmac_hex,
    normalise_reference,
    parse_when,
    required,
    text,
)


def sign(body: bytes, secret: str) -> str:
    """The ``X-Signature`` of ``body``: hex HMAC-SHA256 under ``secret``."""
    return hmac_hex(secret, body)


class GenericFeed(Feed):
    name = "generic"
    label = "Chung (X-Signature)"
    allowed_ips_setting = "BANK_WEBHOOK_ALLOWED_IPS"

    def schemes(self):
        return {"HMAC-SHA256 (X-Signature)": bool(configured_secrets("BANK_WEBHOOK_SECRET"))}

    def verify(self, delivery: Delivery) -> str:
        secrets = configured_secrets("BANK_WEBHOOK_SECRET")
        if not secrets:
            raise SignatureRefused("BANK_WEBHOOK_SECRET is not set")
        given = hex_digest(delivery.headers.get("X-Signature", ""), 64)
        if given is None:
            raise SignatureRefused("X-Signature missing or not a hex SHA-256")
        if not digest_matches(given, (sign(delivery.body, secret) for secret in secrets)):
            raise SignatureRefused("X-Signature does not match the body")
        return "hmac"

    def transfers(self, payload):
        items = payload if isinstance(payload, list) else [payload]
        found = []
        for index, item in enumerate(items):
            where = f"item {index}"
            value = amount(required(item, "amount", where), where=where)
            if str(item.get("direction", "in")).lower() == "out":
                value = -abs(value)
            found.append(
                IncomingTransfer(
                    provider_txn_id=text(required(item, "id", where)),
                    amount=value,
                    memo=text(item.get("description")),
                    account_number=text(item.get("account_number")),
                    occurred_at=parse_when(item.get("occurred_at")),
                    raw=clean(item),
                    bank_reference=normalise_reference(item.get("reference")),
                )
            )
        return found
