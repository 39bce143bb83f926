"""SePay (sepay.vn): webhooks as SePay signs and retries them, and its transactions API.

Webhook (developer.sepay.vn, "Tích hợp webhook", "Xác thực"): one JSON transfer per POST,
``{"id", "gateway", "transactionDate": "YYYY-MM-DD HH:MM:SS" (local), "accountNumber",
"code", "content", "transferType": "in"|"out", "transferAmount" (positive), "accumulated",
"subAccount", "referenceCode", "description"}``. ``id`` is SePay's transaction id.

Authentication is chosen per webhook in SePay; we accept the two a server can check:

* **API key**: ``Authorization: Apikey <key>``, against ``SEPAY_WEBHOOK_API_KEY``;
* **HMAC-SHA256** (recommended): ``X-SePay-Signature: sha256=<hex>`` over
  ``"<X-SePay-Timestamp>." + raw body`` under ``SEPAY_WEBHOOK_HMAC_SECRET`` (the webhook's
  secret key, ``whsec_…``, as shown once in SePay), the timestamp in Unix seconds and within
  ``BANK_WEBHOOK_TOLERANCE_SECONDS``. A compact re-serialisation of the body, as SePay's
  sample code may produce, is accepted too.

"None" is never accepted, and OAuth 2.0 would need an OAuth server of ours. SePay counts a
delivery done on HTTP 200 with ``{"success": true}``; anything else is retried 7 times over
about 33 minutes, then dropped, which is what the pull is for.

Transactions API: ``GET <SEPAY_API_URL>transactions/list`` with ``Authorization: Bearer
<SEPAY_API_TOKEN>`` (SePay's "userapi"). Its ``id`` is the webhook's ``id``, so a transfer
pulled and delivered is one row. (SePay's v2 API numbers transactions with UUIDs, which no
webhook carries.) It answers at most ``limit`` (5000) rows, so a full window is halved and
read again.
"""

import datetime
import re
import time
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
    hex_digest,
    hmac_hex,
    json_renderings,
    normalise_reference,
    parse_when,
    required,
    secret_matches,
    text,
    timestamp_fresh,
)

API_LIMIT = 5000  # rows in one answer, SePay's maximum
SMALLEST_WINDOW = datetime.timedelta(minutes=1)
API_PAUSE = 0.35  # seconds between the calls of one pull: SePay allows 3 a second


def _digest(body: bytes, secret: str, timestamp: str) -> str:
    return hmac_hex(secret, f"{timestamp}.".encode() + body)


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The ``X-SePay-Signature`` of ``body`` sent at ``timestamp``."""
    return "sha256=" + _digest(body, secret, str(timestamp))


class SePayFeed(Feed):
    name = "sepay"
    label = "SePay"
    allowed_ips_setting = "SEPAY_WEBHOOK_ALLOWED_IPS"
    api_setting = "SEPAY_API_TOKEN"

    def schemes(self):
        return {
            "HMAC-SHA256": bool(configured_secrets("SEPAY_WEBHOOK_HMAC_SECRET")),
            "API Key": bool(configured_secrets("SEPAY_WEBHOOK_API_KEY")),
        }

    def verify(self, delivery: Delivery) -> str:
        headers = delivery.headers
        authorization = headers.get("Authorization", "")
        if authorization[:7].lower() == "apikey ":
            keys = configured_secrets("SEPAY_WEBHOOK_API_KEY")
            if not keys:
                raise SignatureRefused("API key sent, but SEPAY_WEBHOOK_API_KEY is not set")
            if not secret_matches(authorization[7:].strip(), keys):
                raise SignatureRefused("wrong API key")
            return "apikey"
        if "X-SePay-Signature" in headers:
            return self._verify_hmac(delivery)
        raise SignatureRefused("neither Authorization: Apikey nor X-SePay-Signature")

    def _verify_hmac(self, delivery: Delivery) -> str:
        secrets = configured_secrets("SEPAY_WEBHOOK_HMAC_SECRET")
        if not secrets:
            raise SignatureRefused("HMAC signature sent, but SEPAY_WEBHOOK_HMAC_SECRET is not set")
        stamp = delivery.headers.get("X-SePay-Timestamp", "").strip()
        if not re.fullmatch(r"[0-9]{9,13}", stamp):
            raise SignatureRefused("X-SePay-Timestamp missing or not a Unix time")
        seconds = int(stamp) / 1000 if len(stamp) == 13 else int(stamp)  # seconds; milliseconds tolerated
        if not timestamp_fresh(seconds, delivery.now):
            raise SignatureRefused(f"X-SePay-Timestamp {stamp} is outside the allowed window")
        given = hex_digest(delivery.headers.get("X-SePay-Signature", ""), 64)
        if given is None:
            raise SignatureRefused("X-SePay-Signature is not a hex SHA-256")
        if digest_matches(given, (_digest(delivery.body, secret, stamp) for secret in secrets)):
            return "hmac"
        # Not the raw body: perhaps the body as SePay's sample code re-serialises it.
        try:
            bodies = list(json_renderings(delivery.payload, sort_keys=False))
        except FeedError:
            bodies = []
        if not digest_matches(given, (_digest(body, secret, stamp) for secret in secrets for body in bodies)):
            raise SignatureRefused("X-SePay-Signature does not match the body")
        return "hmac"

    def transfers(self, payload):
        where = "SePay"
        value = amount(required(payload, "transferAmount", where), where=where)
        if str(payload.get("transferType", "in")).lower() == "out":
            value = -abs(value)
        return [
            IncomingTransfer(
                provider_txn_id=text(required(payload, "id", where)),
                amount=value,
                memo=text(payload.get("content") or payload.get("description")),
                account_number=text(payload.get("accountNumber")),
                occurred_at=parse_when(payload.get("transactionDate")),
                raw=clean(payload),
                bank_reference=normalise_reference(payload.get("referenceCode")),
            )
        ]

    # --- the transactions API ----------------------------------------------------------

    def pull_rows(self, *, since, until) -> Iterator[dict]:
        rows = self._list(since, until)
        if len(rows) < API_LIMIT:
            yield from rows
            return
        if until - since <= SMALLEST_WINDOW:
            raise PullError(f"SePay lists {API_LIMIT} or more transactions from {since} to {until}: some were not read")
        middle = since + (until - since) / 2
        for start, end in ((since, middle), (middle + datetime.timedelta(seconds=1), until)):
            time.sleep(API_PAUSE)
            yield from self.pull_rows(since=start, until=end)

    def _list(self, since, until) -> list:
        local = timezone.get_default_timezone()  # SePay's dates are Vietnam time
        try:
            answer = json_request(
                settings.SEPAY_API_URL.rstrip("/") + "/transactions/list",
                params={
                    "transaction_date_min": since.astimezone(local).strftime("%Y-%m-%d %H:%M:%S"),
                    "transaction_date_max": until.astimezone(local).strftime("%Y-%m-%d %H:%M:%S"),
                    "limit": API_LIMIT,
                },
                headers={"Authorization": f"Bearer {settings.SEPAY_API_TOKEN}"},
                name="SePay",
            )
        except HttpError as exc:
            if exc.empty:  # SePay's answer to a wrong or revoked token: 200 with no body
                raise PullError("SePay answered with an empty body: check SEPAY_API_TOKEN") from exc
            raise PullError(str(exc)) from exc
        if not isinstance(answer, dict) or not isinstance(answer.get("transactions"), list):
            raise PullError(f"SePay answered without a transaction list: {str(answer)[:200]}")
        if answer.get("status") not in (200, "200") or answer.get("error"):
            raise PullError(
                f"SePay answered status {answer.get('status')}: {answer.get('error') or answer.get('messages')}"
            )
        return answer["transactions"]

    def pull_transfer(self, row) -> IncomingTransfer:
        """A transfer from one row of the transactions API (amounts are strings like "18067000.00")."""
        if not isinstance(row, dict):
            raise FeedError("SePay API: a transaction is not an object")
        where = f"SePay API {row.get('id')}"
        money_in = amount(row.get("amount_in") or 0, where=where)
        money_out = amount(row.get("amount_out") or 0, where=where)
        if money_in and money_out:
            raise FeedError(f"{where}: both money in and money out")
        return IncomingTransfer(
            provider_txn_id=text(required(row, "id", where)),
            amount=money_in or -abs(money_out),
            memo=text(row.get("transaction_content")),
            account_number=text(row.get("account_number")),
            occurred_at=parse_when(row.get("transaction_date")),
            raw=clean(row),
            bank_reference=normalise_reference(row.get("reference_number")),
        )
