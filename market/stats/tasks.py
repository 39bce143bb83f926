import datetime

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from core.outbox import effect_add

from .rollup import days_between, market_facts_rebuild, statistics_rebuild


@shared_task(autoretry_for=(DatabaseError,), max_retries=3, retry_backoff=True, acks_late=True)
def market_facts_rebuild_task(day_iso: str, market_ids: list[int] | None = None) -> int:
    return market_facts_rebuild(day=datetime.date.fromisoformat(day_iso), market_ids=market_ids)


def market_facts_refresh(market_id: int, since: datetime.datetime | None = None) -> None:
    """Rebuild today for the market and, when the event is dated earlier (a bank reporting a
    payment late), every day since: outbox effects written with this transaction. A payment
    changes the active-stall count of the 30 days after it; reports more than 31 days late are
    left to ``rebuild_statistics`` (bank feeds report within minutes).

    Pending effects for one (market, day) run once together (``core.outbox``): a bulk
    approval of 50 applications is one rebuild, not 50."""
    today = timezone.localdate()
    first = today
    if since is not None:
        first = min(max(timezone.localdate(since), today - datetime.timedelta(days=31)), today)
    for day in days_between(first, today):
        effect_add(market_facts_rebuild_task, day.isoformat(), [market_id], key=f"market-facts:{day}:{market_id}")


@shared_task
def statistics_rebuild_recent_task() -> None:
    """Nightly safety net (beat): rebuild yesterday and today, every market and cooperative."""
    today = timezone.localdate()
    statistics_rebuild(today - datetime.timedelta(days=1), today)
