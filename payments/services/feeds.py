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

import contextlib
import datetime
import ipaddress
import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone

from payments.bank_feeds import FEEDS, AddressRefused, Delivery, Feed, FeedError, PullError, SignatureRefused
from payments.models import BankFeedStatus, BankTransaction

from .bank import bank_transfer_record

logger = logging.getLogger(__name__)

FEED_TOUCH_SECONDS = 30  # the status row records a delivery or a refusal at most this often
PULL_LOCK_SECONDS = 900  # one pull per provider at a time, across every node
MAX_WEBHOOK_BYTES = 256 * 1024  # a notification is a few hundred bytes; Casso v1 batches a few dozen


@dataclass
class PullReport:
    provider: str
    ok: bool = True
    fetched: int = 0
    new: int = 0
    error: str = ""
    skipped: list[str] = field(default_factory=list)  # transfers the API listed that could not be stored


def _status_touch(provider: str, now: datetime.datetime, **values) -> None:
    """Write ``values`` onto the provider's status row, unless it was written in the last ``FEED_TOUCH_SECONDS``.

    The time field written is the first key of ``values``. In a burst of deliveries the
    shared cache answers "written a moment ago" in one call, on any node; without the cache,
    a conditional UPDATE still keeps the burst from queueing on the row.
    """
    stamp = next(iter(values))
    try:
        if not cache.add(f"bank-feed-touch:{provider}:{stamp}", 1, FEED_TOUCH_SECONDS):
            return
    except Exception:  # the cache is down: the database decides
        logger.warning("bank feed %s: cache unavailable for the status throttle", provider, exc_info=True)
    recent = now - datetime.timedelta(seconds=FEED_TOUCH_SECONDS)
    rows = BankFeedStatus.objects.filter(Q(**{f"{stamp}__isnull": True}) | Q(**{f"{stamp}__lt": recent}))
    if rows.filter(provider=provider).update(**values):
        return
    if not BankFeedStatus.objects.filter(provider=provider).exists():
        try:
            BankFeedStatus.objects.create(provider=provider, **values)
        except IntegrityError:
            pass  # another delivery created it a moment ago


def bank_webhook_receive(
    *, feed: Feed, body: bytes, headers, address: ipaddress.IPv4Address | ipaddress.IPv6Address | None
) -> list[dict]:
    """Take in one webhook delivery; returns one result per transfer (``id``, ``outcome``, ``new``).

    Raises ``AddressRefused`` (403), ``FeedError`` (400: too large, not JSON, or not what this
    provider sends) or ``SignatureRefused`` (401). The provider's cheap checks (secret set,
    header well formed, timestamp fresh) run before the body is parsed. Nothing is written
    for a refused delivery except, at most every ``FEED_TOUCH_SECONDS``, the time and reason
    on the feed's status row.
    """
    now = timezone.now()
    try:
        feed.address_check(address)
        if len(body) > MAX_WEBHOOK_BYTES:
            raise FeedError(f"body larger than {MAX_WEBHOOK_BYTES} bytes")
        delivery = Delivery(headers=headers, body=body, now=now)
        scheme = feed.verify(delivery)
        transfers = feed.transfers(delivery.payload)
    except (AddressRefused, SignatureRefused) as exc:
        _status_touch(feed.name, now, last_refused_at=now, last_refused_reason=f"{exc} ({address})"[:255])
        raise
    except RecursionError:  # nested deeper than re-serialising or reading it allows
        raise FeedError("body nested too deeply") from None
    results = []
    for transfer in transfers:  # each stored in its own transaction: a replayed one never undoes a new one
        row, created = bank_transfer_record(
            provider=feed.name, transfer=transfer, channel=BankTransaction.Channel.WEBHOOK
        )
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

    Never raises for what the provider or one of its rows does: the report (and the status row
    staff see) says what failed. A pull already running for this provider (on any node) makes
    this one report so and do nothing.
    """
    report = PullReport(provider=feed.name)
    if not feed.can_pull():
        report.ok, report.error = False, "not configured"
        return report
    lock, token = f"bank-feed-pull:{feed.name}", uuid.uuid4().hex
    try:
        locked = cache.add(lock, token, PULL_LOCK_SECONDS)
    except Exception:  # the shared cache is down: pull anyway, the unique constraints keep it safe
        logger.warning("bank feed pull %s: cache unavailable, pulling without the lock", feed.name, exc_info=True)
        locked = None
    if locked is False:
        report.ok, report.error = False, "a pull is already running"
        return report
    now = timezone.now()
    try:
        since = now - datetime.timedelta(hours=hours or settings.BANK_FEED_PULL_HOURS)
        _pull_into(feed, report, since=since, until=now)
    finally:
        with contextlib.suppress(Exception):
            if locked and cache.get(lock) == token:  # not another run's lock, taken after ours expired
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


def _pull_into(feed: Feed, report: PullReport, *, since, until) -> None:
    try:
        for row in feed.pull_rows(since=since, until=until):
            report.fetched += 1
            try:
                transfer = feed.pull_transfer(row)
                _row, created = bank_transfer_record(
                    provider=feed.name, transfer=transfer, channel=BankTransaction.Channel.PULL
                )
            except FeedError as exc:
                report.skipped.append(str(exc))
                continue
            except Exception as exc:  # one row must not stop the rest; the log has the traceback
                logger.exception("bank feed pull %s: a row could not be stored", feed.name)
                report.skipped.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            report.new += created
    except PullError as exc:
        report.ok, report.error = False, str(exc)
    except Exception as exc:  # an answer no one foresaw: reported, not raised, so the status row says so
        logger.exception("bank feed pull %s failed", feed.name)
        report.ok, report.error = False, f"{type(exc).__name__}: {exc}"


def bank_feeds_pull(*, names: list[str] | None = None, hours: float | None = None) -> list[PullReport]:
    """Pull every configured provider (or those named); one provider's failure does not stop the others."""
    feeds = [FEEDS[name] for name in names] if names else feeds_pullable()
    return [bank_feed_pull(feed, hours=hours) for feed in feeds]
