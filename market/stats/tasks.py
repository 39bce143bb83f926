import datetime
import threading
from collections import defaultdict

from celery import shared_task
from django.db import DatabaseError, transaction
from django.utils import timezone

from .rollup import days_between, market_facts_rebuild, statistics_rebuild


@shared_task(autoretry_for=(DatabaseError,), max_retries=3, retry_backoff=True, acks_late=True)
def market_facts_rebuild_task(day_iso: str, market_ids: list[int] | None = None) -> int:
    return market_facts_rebuild(day=datetime.date.fromisoformat(day_iso), market_ids=market_ids)


def market_facts_refresh(market_id: int, since: datetime.datetime | None = None) -> None:
    """After this transaction commits, rebuild today for the market and, when the event is
    dated earlier (a bank reporting a payment late), every day since. A payment changes the
    active-stall count of the 30 days after it; reports more than 31 days late are left to
    ``rebuild_statistics`` (bank feeds report within minutes).

    Within one transaction every (market, day) is rebuilt once, whatever the number of
    events: a bulk approval of 50 applications is one rebuild, not 50."""
    today = timezone.localdate()
    first = today
    if since is not None:
        first = min(max(timezone.localdate(since), today - datetime.timedelta(days=31)), today)
    pairs = {(market_id, day) for day in days_between(first, today)}
    if not transaction.get_connection().in_atomic_block:
        _enqueue(pairs)
        return
    # Every event adds its pairs to this thread's pending set and asks for a flush after
    # commit; the first flush to run takes the whole set, the others find it empty. Django's
    # public on_commit is all this needs. A rolled-back transaction's pairs stay pending
    # until the thread's next flush, which rebuilds them once more: a rebuild is idempotent,
    # so that costs a little work and never a wrong figure.
    _pending.pairs.update(pairs)
    transaction.on_commit(_flush, robust=True)


class _Pending(threading.local):
    def __init__(self):
        self.pairs: set = set()


_pending = _Pending()


def _flush() -> None:
    pairs, _pending.pairs = _pending.pairs, set()
    if pairs:
        _enqueue(pairs)


def pending_discard() -> None:
    """Forget this thread's pending rebuilds (tests: each test's transaction is rolled back)."""
    _pending.pairs = set()


def _enqueue(pairs) -> None:
    by_day: dict[datetime.date, set[int]] = defaultdict(set)
    for market_id, day in pairs:
        by_day[day].add(market_id)
    for day, market_ids in sorted(by_day.items()):
        market_facts_rebuild_task.delay(day.isoformat(), sorted(market_ids))


@shared_task
def statistics_rebuild_recent_task() -> None:
    """Nightly safety net (beat): rebuild yesterday and today, every market and cooperative."""
    today = timezone.localdate()
    statistics_rebuild(today - datetime.timedelta(days=1), today)
