"""What every bank feed shares: the transfer record, payload checks, and signature helpers.

A feed is a provider (SePay, Casso, our generic scheme) that reports transfers on an account,
by webhook and, where it has one, through a transactions API we pull from. Each provider's
module (``generic``, ``sepay``, ``casso``) knows how it signs, what it sends, what answer it
expects and how its API pages; everything here is provider-neutral.

Every adapter reads the bank's own reference for the transfer (``bank_reference``): the code
the bank prints on the statement too, so the same transfer reported by a feed and by a
statement import is stored once (see ``payments.services.bank``). Transaction dates outside
``EARLIEST_DATE`` … tomorrow (local time) are refused: no bank sends them, and a year-1 date
is stored by PostgreSQL as a BC timestamp that psycopg cannot read back.
"""

import datetime
import hashlib
import hmac
import ipaddress
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from django.conf import settings
from django.utils import timezone

MAX_AMOUNT = Decimal(10) ** 13  # the column holds 14 digits
EARLIEST_DATE = datetime.date(2020, 1, 1)


class FeedError(ValueError):
    """The body is not a payload this provider sends; the message says what is wrong."""


class AddressRefused(Exception):
    """The sender's address is not on the provider's allowlist."""


class SignatureRefused(Exception):
    """The delivery is not authenticated by a scheme configured for this provider.

    The message says why, for the feed-health page and the logs; the sender only gets a 401.
    """


class PullError(Exception):
    """A transactions API could not be read; the message says what the provider answered."""


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


def amount(value, *, where: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, TypeError):
        raise FeedError(f"{where}: amount {value!r} is not a number") from None
    if not amount.is_finite() or amount != amount.to_integral_value():
        raise FeedError(f"{where}: amount {value!r} is not whole dong")
    if abs(amount) >= MAX_AMOUNT:
        raise FeedError(f"{where}: amount {value!r} is too large")
    return amount


def text(value) -> str:
    """A string as stored: NUL removed and a lone surrogate (``"\\ud800"`` is valid JSON) made
    "?"; PostgreSQL's text and jsonb refuse both, and UTF-8 cannot encode the second."""
    return str(value or "").replace("\x00", "").encode("utf-8", "replace").decode()


def clean(value):
    """The payload as stored: every string (key or value) as ``text`` makes it."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def normalise_reference(value) -> str:
    """The bank's reference as stored and compared: trimmed, upper case, at most 100 characters."""
    return text(value).strip().upper()[:100]


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


def required(item: dict, key: str, where: str):
    if not isinstance(item, dict):
        raise FeedError(f"{where}: expected an object")
    value = item.get(key)
    if value is None or value == "":
        raise FeedError(f"{where}: missing {key!r}")
    return value


# --- authenticating a delivery -----------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """One webhook request as the verifiers see it: headers (case-insensitive, as Django's
    ``request.headers``), the raw body and the time it arrived. ``payload`` parses the body
    once, when first needed: the cheap checks (secret set, header well formed, time fresh)
    come before any parsing, and the raw-body schemes never need it."""

    headers: Mapping[str, str]
    body: bytes
    now: datetime.datetime

    @cached_property
    def payload(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, or absurdly deep
            raise FeedError(f"body is not JSON: {exc}") from None


def configured_secrets(setting: str) -> list[str]:
    """The secrets in ``setting`` (a list, or a comma-separated string), blanks dropped: several
    webhooks of one provider may each have their own. Empty means the scheme is refused."""
    value = getattr(settings, setting, None) or []
    if isinstance(value, str):
        value = value.split(",")
    return [secret.strip() for secret in value if secret and secret.strip()]


def hmac_hex(key: str, message: bytes, digest=hashlib.sha256) -> str:
    return hmac.new(key.encode(), message, digest).hexdigest()


def hex_digest(value: str, length: int) -> str | None:
    """A hex digest as a header carries it, lower case, without a ``sha256=`` prefix; None unless
    it is exactly ``length`` ASCII hex digits."""
    given = value.strip().lower().removeprefix("sha256=")
    return given if len(given) == length and re.fullmatch(r"[0-9a-f]+", given) else None


def digest_matches(given: str, candidates: Iterable[str]) -> bool:
    """Whether the hex ``given`` (as ``hex_digest`` returns it) equals one of ``candidates``.

    Each is compared in constant time, and every one is compared, so the time taken does not
    say which came close.
    """
    matched = False
    for candidate in candidates:
        matched |= hmac.compare_digest(candidate.encode(), given.encode())
    return matched


def secret_matches(given: str, secrets: list[str]) -> bool:
    """A shared secret sent as is (an API key, a token) equals one of ``secrets``, compared in
    constant time. No secrets match nothing."""
    matched = False
    for secret in secrets:
        matched |= hmac.compare_digest(given.encode("utf-8", "replace"), secret.encode())
    return matched


def json_renderings(payload: Any, *, sort_keys: bool) -> Iterator[bytes]:
    """The compact JSON texts a provider's own code may have signed for ``payload``.

    Their sample code serialises with PHP's ``json_encode``, Node's ``JSON.stringify`` or
    Python's ``json.dumps``: Unicode escaped (``\\u1ea1``) or not, ``/`` escaped (``\\/``) or
    not. Key order is the order received (kept by the parser), or sorted at every level.
    """
    seen = set()
    for ensure_ascii in (False, True):
        written = json.dumps(payload, ensure_ascii=ensure_ascii, separators=(",", ":"), sort_keys=sort_keys)
        for rendering in (written, written.replace("/", "\\/")):
            if rendering not in seen:
                seen.add(rendering)
                # A lone surrogate cannot have been signed as UTF-8; passed through, it matches nothing.
                yield rendering.encode("utf-8", "surrogatepass")


def timestamp_fresh(moment: float, now: datetime.datetime) -> bool:
    """Whether a signed timestamp (Unix seconds) is within ``BANK_WEBHOOK_TOLERANCE_SECONDS`` of now, either way."""
    return abs(now.timestamp() - moment) <= settings.BANK_WEBHOOK_TOLERANCE_SECONDS


def allowed_networks(entries) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The networks of an allowlist setting (addresses or CIDR blocks). Raises ValueError for a bad entry.

    An IPv4-mapped IPv6 entry (``::ffff:1.2.3.4``) is its IPv4 network, as a client address is.
    """
    networks = []
    for entry in entries:
        if not entry.strip():
            continue
        network = ipaddress.ip_network(entry.strip(), strict=False)
        mapped = network.network_address.ipv4_mapped if network.version == 6 else None
        if mapped is not None and network.prefixlen >= 96:
            network = ipaddress.ip_network((mapped, network.prefixlen - 96), strict=False)
        networks.append(network)
    return networks


# --- a provider --------------------------------------------------------------------------


class Feed:
    """A provider of bank notifications. Subclasses set the attributes and override the methods.

    ``name`` is the URL slug (``/payments/webhooks/bank/<name>/``) and the ``provider`` of the
    transfers it reports; ``allowed_ips_setting`` names the setting that, when set, limits
    its webhooks to those addresses.
    """

    name = ""
    label = ""
    allowed_ips_setting = ""
    api_setting = ""  # the setting holding its transactions API's key, if it has an API

    def schemes(self) -> dict[str, bool]:
        """Each authentication scheme this provider can use → whether its secret is configured."""
        return {}

    def verify(self, delivery: Delivery) -> str:
        """The scheme that authenticated ``delivery``; raises ``SignatureRefused`` otherwise."""
        raise SignatureRefused("no authentication scheme")

    def transfers(self, payload) -> list[IncomingTransfer]:
        """The transfers a webhook body reports; raises ``FeedError`` for a body this provider does not send."""
        raise FeedError(f"{self.name}: no webhook")

    def answer(self, results: list[dict]) -> dict:
        """The body of the 200 that tells the provider the delivery is done (no retry)."""
        return {"success": True, "received": len(results), "results": results}

    def can_pull(self) -> bool:
        """Whether its transactions API has a key to pull with."""
        return bool(self.api_setting and getattr(settings, self.api_setting, ""))

    def pull_rows(self, *, since: datetime.datetime, until: datetime.datetime) -> Iterator[dict]:
        """The API's rows for transfers between ``since`` and ``until``, page by page; raises ``PullError``."""
        return iter(())

    def pull_transfer(self, row: dict) -> IncomingTransfer:
        """The transfer in one API row; raises ``FeedError`` for a row that cannot be read."""
        raise FeedError(f"{self.name}: no transactions API")

    def allowed_ips(self) -> list:
        return allowed_networks(getattr(settings, self.allowed_ips_setting, []) or [])

    def address_check(self, address) -> None:
        """Raise ``AddressRefused`` unless ``address`` (``core.ratelimit.client_address``) is on
        the allowlist, when there is one."""
        networks = self.allowed_ips()
        if networks and (address is None or not any(address in network for network in networks)):
            raise AddressRefused(f"address {address} not allowed")
