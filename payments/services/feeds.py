"""Bank feeds in operation: a webhook delivery taken in, a provider's API pulled, and their health.

A webhook delivery is checked in this order: the sender's address against the provider's
allowlist (if set), the body as JSON (parsed once), the provider's own authentication, then
the transfers it reports. Each transfer is stored through ``bank_transfer_record`` in its own
transaction, so a transfer already stored (a replay, a provider retry, the pull) is "not
new" and changes nothing.

The pull reads the last ``BANK_FEED_PULL_HOURS`` from each provider with an API key set and
feeds them through the same intake: a notification lost while the site was down longer than
the provider retries is still stored and matched.
"""

import datetime
import ipaddress
import json
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone

from payments.bank_feeds import FEEDS, Delivery, Feed, FeedError, PullError, SignatureRefused
from payments.models import BankFeedStatus, BankTransaction

from .bank import bank_transfer_record

logger = logging.getLogger(__name__)

FEED_TOUCH_SECONDS = 30  # the status row records a delivery or a refusal at most this often
PULL_LOCK_SECONDS = 600  # one pull per provider at a time, across every node
Channel = BankTransaction.Channel


class AddressRefused(Exception):
    """The sender's address is not on the provider's allowlist."""


@dataclass
class PullReport:
    provider: str
    ok: bool = True
    fetched: int = 0
    new: int = 0
    error: str = ""
    skipped: list[str] = field(default_factory=list)  # transfers the API listed that could not be read


def _status_touch(provider: str, now: datetime.datetime, **values) -> None:
    """Write ``values`` onto the provider's status row, unless it was written in the last ``FEED_TOUCH_SECONDS``.

    The time field written is the first key of ``values``; a conditional UPDATE keeps a burst
    of deliveries from queueing on the row.
    """
    stamp = next(iter(values))
    recent = now - datetime.timedelta(seconds=FEED_TOUCH_SECONDS)
    rows = BankFeedStatus.objects.filter(Q(**{f"{stamp}__isnull": True}) | Q(**{f"{stamp}__lt": recent}))
    if rows.filter(provider=provider).update(**values):
        return
    if not BankFeedStatus.objects.filter(provider=provider).exists():
        try:
            BankFeedStatus.objects.create(provider=provider, **values)
        except IntegrityError:
            pass  # another delivery created it a moment ago


def _address_allowed(feed: Feed, address) -> bool:
    networks = feed.allowed_ips()
    if not networks:
        return True
    return address is not None and any(address in network for network in networks)


def bank_webhook_receive(
    *, feed: Feed, body: bytes, headers, address: ipaddress.IPv4Address | ipaddress.IPv6Address | None
) -> list[dict]:
    """Take in one webhook delivery; returns one result per transfer (``id``, ``outcome``, ``new``).

    Raises ``AddressRefused`` (403), ``FeedError`` (400: not JSON, or not what this provider
    sends) or ``SignatureRefused`` (401). Nothing is written for a refused delivery except,
    at most every ``FEED_TOUCH_SECONDS``, the time and reason on the feed's status row.
    """
    now = timezone.now()
    if not _address_allowed(feed, address):
        _status_touch(feed.name, now, last_refused_at=now, last_refused_reason=f"address {address} not allowed")
        raise AddressRefused(str(address))
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, or absurdly deep
        raise FeedError(f"body is not JSON: {exc}") from None
    try:
        scheme = feed.verify(Delivery(headers=headers, body=body, payload=payload, now=now))
        transfers = feed.transfers(payload)
    except SignatureRefused as exc:
        _status_touch(feed.name, now, last_refused_at=now, last_refused_reason=f"{exc} ({address})"[:255])
        raise
    except RecursionError:  # nested deeper than re-serialising or reading it allows
        raise FeedError("body nested too deeply") from None
    results = []
    for transfer in transfers:  # each stored in its own transaction: a replayed one never undoes a new one
        row, created = bank_transfer_record(provider=feed.name, transfer=transfer, channel=Channel.WEBHOOK)
        # A transfer another provider reported first answers with that row's outcome, under our id.
        results.append({"id": transfer.provider_txn_id[:100], "outcome": row.outcome, "new": created})
    _status_touch(feed.name, now, last_webhook_at=now)
    logger.info(
        "bank webhook %s (%s): %s transfers, %s new", feed.name, scheme, len(results), sum(r["new"] for r in results)
    )
    return results


def feeds_pullable() -> list[Feed]:
    return [feed for feed in FEEDS.values() if feed.can_pull()]


def bank_feed_pull(feed: Feed, *, hours: float | None = None) -> PullReport:
    """Read the provider's transactions of the last ``hours`` (``BANK_FEED_PULL_HOURS``) and store them.

    A pull already running for this provider (on any node) makes this one report so and do nothing.
    """
    report = PullReport(provider=feed.name)
    if not feed.can_pull():
        report.ok, report.error = False, "not configured"
        return report
    lock = f"bank-feed-pull:{feed.name}"
    if not cache.add(lock, 1, PULL_LOCK_SECONDS):
        report.ok, report.error = False, "a pull is already running"
        return report
    now = timezone.now()
    try:
        since = now - datetime.timedelta(hours=hours if hours is not None else settings.BANK_FEED_PULL_HOURS)
        try:
            for row in feed.pull_rows(since=since, until=now):
                report.fetched += 1
                try:
                    transfer = feed.pull_transfer(row)
                    _row, created = bank_transfer_record(provider=feed.name, transfer=transfer, channel=Channel.PULL)
                except FeedError as exc:
                    report.skipped.append(str(exc))
                    continue
                report.new += created
        except PullError as exc:
            report.ok, report.error = False, str(exc)
    finally:
        cache.delete(lock)
    values = {"last_pull_at": now, "last_pull_fetched": report.fetched, "last_pull_new": report.new}
    if report.ok:
        values.update(last_pull_ok_at=now, last_pull_error="; ".join(report.skipped)[:500])
    else:
        values.update(last_pull_error=report.error[:500])
    BankFeedStatus.objects.update_or_create(provider=feed.name, defaults=values)
    log = logger.info if report.ok and not report.skipped else logger.warning
    log(
        "bank feed pull %s: %s fetched, %s new, error %r, %s skipped",
        feed.name,
        report.fetched,
        report.new,
        report.error,
        len(report.skipped),
    )
    return report


def bank_feeds_pull(*, names: list[str] | None = None, hours: float | None = None) -> list[PullReport]:
    """Pull every configured provider (or those named); one provider's failure does not stop the others."""
    feeds = [FEEDS[name] for name in names] if names else feeds_pullable()
    return [bank_feed_pull(feed, hours=hours) for feed in feeds]
