import datetime

from celery import shared_task
from django.db import DatabaseError, transaction
from django.utils import timezone

from .volume import cooperative_volume_rebuild


@shared_task(autoretry_for=(DatabaseError,), max_retries=3, retry_backoff=True, acks_late=True)
def cooperative_volume_rebuild_task(day_iso: str, cooperative_ids: list[int] | None = None) -> int:
    return cooperative_volume_rebuild(day=datetime.date.fromisoformat(day_iso), cooperative_ids=cooperative_ids)


def cooperative_volume_refresh_for_order(order) -> None:
    """After this transaction commits, rebuild the day the order was placed for its cooperatives."""
    day = timezone.localdate(order.date_placed).isoformat()
    ids = sorted({pk for pk in order.lines.values_list("partner__cooperative__id", flat=True) if pk is not None})
    if ids:
        transaction.on_commit(lambda: cooperative_volume_rebuild_task.delay(day, ids), robust=True)
