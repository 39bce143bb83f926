import datetime

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .rollup import market_facts_rebuild


@shared_task(bind=True, max_retries=3, retry_backoff=True, acks_late=True)
def market_facts_rebuild_task(self, day_iso: str, market_ids: list[int] | None = None) -> int:
    return market_facts_rebuild(day=datetime.date.fromisoformat(day_iso), market_ids=market_ids)


def market_facts_refresh(market_id: int, since: datetime.datetime | None = None) -> None:
    """After this transaction commits, rebuild today for the market, and every day back to
    ``since`` when the event happened earlier (a bank reporting a payment late), at most
    31 days back: older days' active-stall counts cannot change."""
    today = timezone.localdate()
    first = max(timezone.localdate(since), today - datetime.timedelta(days=31)) if since else today
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
