"""Casso (casso.vn): webhooks v2 and v1 as Casso signs them, and its transactions API.

Webhook v2 (developer.casso.vn, "Thiết lập Webhook"; Casso's signature samples in
github.com/CassoHQ/casso-webhook-v2-verify-signature): one transfer per POST,
``{"error": 0, "data": {"id", "reference", "description", "amount", "runningBalance",
"transactionDateTime": "YYYY-MM-DD HH:MM:SS" (local), "accountNumber", "bankName",
"bankAbbreviation", "virtualAccountNumber", "virtualAccountName", "counterAccountName",
"counterAccountNumber", "counterAccountBankId", "counterAccountBankName"}}``. Money out has a
negative ``amount``. The header is ``X-Casso-Signature: t=<milliseconds>,v1=<hex>``, where
``v1`` is HMAC-SHA512 under the webhook's checksum key (``CASSO_WEBHOOK_CHECKSUM_KEY``) of
``"<t>."`` followed by the whole body with its keys sorted at every level, written compactly.
Casso's samples re-serialise with PHP, Python, Node, Java, Go and C#, so Unicode and ``/``
may or may not be escaped: every such rendering is accepted. ``t`` must be within
``BANK_WEBHOOK_TOLERANCE_SECONDS``.

Webhook v1 (older): ``data`` is a list (``"tid"``, ``"when"``, ``"bank_sub_acc_id"``,
``"subAccId"``), authenticated by a ``secure-token`` header equal to the token set in Casso
(``CASSO_WEBHOOK_SECURE_TOKEN``).

Transactions API: ``GET <CASSO_API_URL>transactions?fromDate=&toDate=&page=&pageSize=&sort=``
with ``Authorization: Apikey <CASSO_API_KEY>``; ``{"error": 0, "data": {"totalPages",
"records": [{"id", "tid", "description", "amount", "when", "bankSubAccId", ...}]}}``. Its ``id``
is the webhook's ``data.id``. Dates are whole days, so a pull reads the days its window touches.
"""

import hashlib
import re
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone

from core.http import HttpError, json_request

from .common import (
    Delivery,
    Feed,
    FeedError,
    IncomingTransfer,
    PullError,
    SignatureRefused,
    amount,
    clean,
    configured_secrets,
    digest_matches,
    hmac_hex,
    json_renderings,
    normalise_reference,
    parse_when,
    required,
    secret_matches,
    text,
    timestamp_fresh,
)

PAGE_SIZE = 100
MAX_PAGES = 200  # 20,000 transfers in one pull: far beyond a cooperative's day; stops a runaway


def _digests(payload, keys: list[str], stamp: str) -> Iterator[str]:
    """The ``v1`` Casso would send for ``payload`` at ``stamp`` under each key, for each serialisation."""
    for body in json_renderings(payload, sort_keys=True):
        for key in keys:
            yield hmac_hex(key, f"{stamp}.".encode() + body, hashlib.sha512)


def sign(payload, key: str, timestamp_ms: int) -> str:
    """The ``X-Casso-Signature`` Casso sends for ``payload`` at ``timestamp_ms``."""
    return f"t={timestamp_ms},v1={next(_digests(payload, [key], str(timestamp_ms)))}"


def signature_parts(header: str) -> tuple[str, str] | None:
    """``(t, v1)`` of an ``X-Casso-Signature`` header, v1 in lower case; None if it is not ``t=<digits>,v1=<hex>``."""
    found = re.fullmatch(r"\s*t=([0-9]{1,16})\s*,\s*v1=([0-9a-fA-F]{128})\s*", header)
    return (found[1], found[2].lower()) if found else None


def signature_matches(payload, header: str, keys: list[str]) -> bool:
    """Whether ``header`` is a v2 signature of ``payload`` under one of ``keys``, whatever its time."""
    parts = signature_parts(header)
    if parts is None or not keys:
        return False
    return digest_matches(parts[1], _digests(payload, keys, parts[0]))


class CassoFeed(Feed):
    name = "casso"
    label = "Casso"
    allowed_ips_setting = "CASSO_WEBHOOK_ALLOWED_IPS"
    api_setting = "CASSO_API_KEY"

    def schemes(self):
        return {
            "Webhook v2 (X-Casso-Signature)": bool(configured_secrets("CASSO_WEBHOOK_CHECKSUM_KEY")),
            "Webhook v1 (secure-token)": bool(configured_secrets("CASSO_WEBHOOK_SECURE_TOKEN")),
        }

    def verify(self, delivery: Delivery) -> str:
        headers = delivery.headers
        if "X-Casso-Signature" in headers:
            keys = configured_secrets("CASSO_WEBHOOK_CHECKSUM_KEY")
            if not keys:
                raise SignatureRefused("v2 signature sent, but CASSO_WEBHOOK_CHECKSUM_KEY is not set")
            parts = signature_parts(headers["X-Casso-Signature"])
            if parts is None:
                raise SignatureRefused("X-Casso-Signature is not t=<time>,v1=<hex>")
            if not timestamp_fresh(int(parts[0]) / 1000, delivery.now):
                raise SignatureRefused(f"X-Casso-Signature time {parts[0]} is outside the allowed window")
            # The body is parsed only now, after the cheap checks (a malformed one is a 400).
            if not signature_matches(delivery.payload, headers["X-Casso-Signature"], keys):
                raise SignatureRefused("X-Casso-Signature does not match the body")
            return "v2"
        if "Secure-Token" in headers:
            tokens = configured_secrets("CASSO_WEBHOOK_SECURE_TOKEN")
            if not tokens:
                raise SignatureRefused("secure-token sent, but CASSO_WEBHOOK_SECURE_TOKEN is not set")
            if not secret_matches(headers["Secure-Token"].strip(), tokens):
                raise SignatureRefused("wrong secure-token")
            return "v1"
        raise SignatureRefused("neither X-Casso-Signature nor secure-token")

    def transfers(self, payload):
        if not isinstance(payload, dict) or "data" not in payload:
            raise FeedError("Casso: missing 'data'")
        if payload.get("error") not in (0, "0", None):
            raise FeedError(f"Casso: error {payload.get('error')!r} in the notification")
        data = payload["data"]
        items = data if isinstance(data, list) else [data]
        return [self.record(item, where=f"Casso item {index}") for index, item in enumerate(items)]

    @staticmethod
    def record(item, *, where: str) -> IncomingTransfer:
        """A transfer from a webhook item (v2 or v1) or an API record: the names differ by version."""
        return IncomingTransfer(
            provider_txn_id=text(required(item, "id", where)),
            amount=amount(required(item, "amount", where), where=where),
            memo=text(item.get("description")),
            account_number=text(item.get("accountNumber") or item.get("bank_sub_acc_id") or item.get("bankSubAccId")),
            occurred_at=parse_when(item.get("transactionDateTime") or item.get("when")),
            raw=clean(item),
            bank_reference=normalise_reference(item.get("reference") or item.get("tid")),
        )

    def pull_transfer(self, row) -> IncomingTransfer:
        return self.record(row, where="Casso API")

    # --- the transactions API ----------------------------------------------------------

    def pull_rows(self, *, since, until) -> Iterator[dict]:
        local = timezone.get_default_timezone()  # Casso's dates are Vietnam time
        params = {
            "fromDate": since.astimezone(local).date().isoformat(),
            "toDate": until.astimezone(local).date().isoformat(),
            "pageSize": PAGE_SIZE,
            "sort": "ASC",
        }
        for page in range(1, MAX_PAGES + 1):
            data = self._page({**params, "page": page})
            records = data.get("records")
            if not isinstance(records, list):
                raise PullError("Casso answered without a record list")
            yield from records
            total = data.get("totalPages")
            if not isinstance(total, int) or isinstance(total, bool):
                raise PullError(f"Casso answered page {page} without a page count")
            if not records or page >= total:
                return
        raise PullError(f"Casso has more than {MAX_PAGES} pages of transactions in this window")

    def _page(self, params) -> dict:
        try:
            answer = json_request(
                settings.CASSO_API_URL.rstrip("/") + "/transactions",
                params=params,
                headers={"Authorization": f"Apikey {settings.CASSO_API_KEY}"},
                name="Casso",
            )
        except HttpError as exc:
            raise PullError(str(exc)) from exc
        if not isinstance(answer, dict) or answer.get("error") not in (0, "0"):
            message = answer.get("message") if isinstance(answer, dict) else str(answer)[:200]
            raise PullError(
                f"Casso answered error {answer.get('error') if isinstance(answer, dict) else '?'}: {message}"
            )
        if not isinstance(answer.get("data"), dict):
            raise PullError("Casso answered without data")
        return answer["data"]
