"""Bank-notification feeds: one signature scheme, one adapter per provider payload shape.

Every feed POSTs JSON signed with HMAC-SHA256 over the raw body, using the shared secret
``BANK_WEBHOOK_SECRET``; the hex digest goes in the ``X-Signature`` header (an optional
``sha256=`` prefix is accepted). An adapter turns the provider's JSON into
``IncomingTransfer`` records; to support another provider, add a function to ``ADAPTERS``.

Each adapter also reads the bank's own reference for the transfer (``bank_reference``): the
code the bank prints on the statement too, so the same transfer reported by a feed and by a
statement import is stored once (see ``payments.services.bank``). Transaction dates outside
``EARLIEST_DATE`` … tomorrow (local time) are refused: no bank sends them, and a year-1 date
is stored by PostgreSQL as a BC timestamp that psycopg cannot read back.

Shapes understood:

* ``generic``: ``{"id", "account_number", "amount", "description", "occurred_at", "direction",
  "reference"}`` (direction ``in``/``out``, default ``in``), or a list of them.
* ``sepay``: SePay's webhook: ``{"id", "gateway", "transactionDate", "accountNumber",
  "transferType": "in"|"out", "transferAmount", "content", "referenceCode", ...}``.
* ``casso``: Casso's webhook, v2 ``{"error": 0, "data": {"id", "reference", "amount",
  "description", "accountNumber", "transactionDateTime", ...}}`` or v1 with ``data`` a list
  (``"tid"``, ``"when"``, ``"bank_sub_acc_id"``); negative amounts are money out.
"""

import datetime
import hashlib
import hmac
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone

MAX_AMOUNT = Decimal(10) ** 13  # the column holds 14 digits
EARLIEST_DATE = datetime.date(2020, 1, 1)


class FeedError(ValueError):
    """The body is not a payload this provider sends; the message says what is wrong."""


class DateOutOfRange(FeedError):
    """A transaction date before ``EARLIEST_DATE`` or after tomorrow (local time)."""


@dataclass(frozen=True)
class IncomingTransfer:
    provider_txn_id: str
    amount: Decimal  # whole dong; negative for money out
    memo: str
    account_number: str = ""
    occurred_at: datetime.datetime | None = None
    raw: dict = field(default_factory=dict, compare=False)
    bank_reference: str = ""  # the bank's own code for the transfer, normalised by ``normalise_reference``


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_valid(*, body: bytes, header: str, secret: str) -> bool:
    if not secret or not header:
        return False
    given = header.strip().lower().removeprefix("sha256=")
    if not re.fullmatch(r"[0-9a-f]{64}", given):
        return False
    return hmac.compare_digest(sign(body, secret).encode(), given.encode())


def _amount(value, *, where: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, TypeError):
        raise FeedError(f"{where}: amount {value!r} is not a number") from None
    if not amount.is_finite() or amount != amount.to_integral_value():
        raise FeedError(f"{where}: amount {value!r} is not whole dong")
    if abs(amount) >= MAX_AMOUNT:
        raise FeedError(f"{where}: amount {value!r} is too large")
    return amount


def _text(value) -> str:
    return str(value or "").replace("\x00", "")


def _clean(value):
    """The payload as stored: NUL characters removed (PostgreSQL's text and jsonb refuse them)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def normalise_reference(value) -> str:
    """The bank's reference as stored and compared: trimmed, upper case, at most 100 characters."""
    return _text(value).strip().upper()[:100]


def date_bounds() -> tuple[datetime.date, datetime.date]:
    """The first and last local days a transaction date may fall on: ``EARLIEST_DATE`` and tomorrow."""
    return EARLIEST_DATE, timezone.localdate() + datetime.timedelta(days=1)


def date_check(moment: datetime.datetime | None, *, value=None) -> None:
    """Raise ``DateOutOfRange`` unless ``moment`` (aware) falls within ``date_bounds()``, local time.

    Compared as aware datetimes, never converted: converting year 1 to UTC would overflow.
    """
    if moment is None:
        return
    first, last = date_bounds()
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min))
    if not start <= moment < end:
        shown = value if value is not None else moment.isoformat()
        raise DateOutOfRange(f"date {str(shown)!r} is outside {first.isoformat()} to {last.isoformat()}")


def parse_when(value) -> datetime.datetime | None:
    """An aware datetime from the formats banks use, within ``date_bounds()``; None when empty.

    Raises ``DateOutOfRange`` for a date outside the bounds, ``FeedError`` for anything unreadable.
    """
    if not value:
        return None
    moment = _parse_when(value)
    date_check(moment, value=value)
    return moment


def _parse_when(value) -> datetime.datetime:
    text = str(value).strip().replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            moment = datetime.datetime.strptime(text[:19], fmt)
        except ValueError:
            continue
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        raise FeedError(f"date {value!r} is not understood") from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _required(item: dict, key: str, where: str):
    if not isinstance(item, dict):
        raise FeedError(f"{where}: expected an object")
    value = item.get(key)
    if value is None or value == "":
        raise FeedError(f"{where}: missing {key!r}")
    return value


def _generic(body) -> list[IncomingTransfer]:
    items = body if isinstance(body, list) else [body]
    transfers = []
    for index, item in enumerate(items):
        where = f"item {index}"
        amount = _amount(_required(item, "amount", where), where=where)
        if str(item.get("direction", "in")).lower() == "out":
            amount = -abs(amount)
        transfers.append(
            IncomingTransfer(
                provider_txn_id=_text(_required(item, "id", where)),
                amount=amount,
                memo=_text(item.get("description")),
                account_number=_text(item.get("account_number")),
                occurred_at=parse_when(item.get("occurred_at")),
                raw=_clean(item),
                bank_reference=normalise_reference(item.get("reference")),
            )
        )
    return transfers


def _sepay(body) -> list[IncomingTransfer]:
    where = "SePay"
    amount = _amount(_required(body, "transferAmount", where), where=where)
    if str(body.get("transferType", "in")).lower() == "out":
        amount = -abs(amount)
    return [
        IncomingTransfer(
            provider_txn_id=_text(_required(body, "id", where)),
            amount=amount,
            memo=_text(body.get("content") or body.get("description")),
            account_number=_text(body.get("accountNumber")),
            occurred_at=parse_when(body.get("transactionDate")),
            raw=_clean(body),
            bank_reference=normalise_reference(body.get("referenceCode")),
        )
    ]


def _casso(body) -> list[IncomingTransfer]:
    if not isinstance(body, dict) or "data" not in body:
        raise FeedError("Casso: missing 'data'")
    data = body["data"]
    items = data if isinstance(data, list) else [data]
    transfers = []
    for index, item in enumerate(items):
        where = f"Casso item {index}"
        transfers.append(
            IncomingTransfer(
                provider_txn_id=_text(_required(item, "id", where)),
                amount=_amount(_required(item, "amount", where), where=where),
                memo=_text(item.get("description")),
                account_number=_text(item.get("accountNumber") or item.get("bank_sub_acc_id")),
                occurred_at=parse_when(item.get("transactionDateTime") or item.get("when")),
                raw=_clean(item),
                bank_reference=normalise_reference(item.get("reference") or item.get("tid")),
            )
        )
    return transfers


ADAPTERS = {"generic": _generic, "sepay": _sepay, "casso": _casso}


def parse_feed(provider: str, body) -> list[IncomingTransfer]:
    adapter = ADAPTERS.get(provider)
    if adapter is None:
        raise FeedError(f"unknown provider {provider!r}")
    return adapter(body)
