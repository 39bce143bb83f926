import datetime

from celery import shared_task
from django.db import DatabaseError, transaction
from django.utils import timezone

from .rollup import market_facts_rebuild


@shared_task(autoretry_for=(DatabaseError,), max_retries=3, retry_backoff=True, acks_late=True)
def market_facts_rebuild_task(day_iso: str, market_ids: list[int] | None = None) -> int:
    return market_facts_rebuild(day=datetime.date.fromisoformat(day_iso), market_ids=market_ids)


def market_facts_refresh(market_id: int, since: datetime.datetime | None = None) -> None:
    """After this transaction commits, rebuild today for the market and, when the event is
    dated earlier (a bank reporting a payment late), every day since. A payment changes the
    active-stall count of the 30 days after it; reports more than 31 days late are left to
    ``rebuild_statistics`` (bank feeds report within minutes)."""
    today = timezone.localdate()
    first = today
    if since is not None:
        first = min(max(timezone.localdate(since), today - datetime.timedelta(days=31)), today)
    days = [(first + datetime.timedelta(days=n)).isoformat() for n in range((today - first).days + 1)]

    def enqueue():
        for day in days:
            market_facts_rebuild_task.delay(day, [market_id])

    transaction.on_commit(enqueue, robust=True)


@shared_task
def statistics_rebuild_recent_task() -> None:
    """Nightly safety net (beat): recompute yesterday and today for every market."""
    today = timezone.localdate()
    for day in (today - datetime.timedelta(days=1), today):
        market_facts_rebuild(day=day)
