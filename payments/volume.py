"""The per-cooperative daily order record (``ocop_catalog.CooperativeDailyVolume``): rebuild and read.

It lives with the orders and payments it counts; the table belongs to the cooperatives.

A day's rows are recomputed from Oscar's order lines, never incremented, so the rebuild
is idempotent and a late payment, a cancellation or an expiry is one more rebuild of the
day the order was placed. Days are local (Asia/Ho_Chi_Minh) days.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from celery import shared_task
from django.db import DatabaseError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from oscar.core.loading import get_model

from core.outbox import effect_add
from ocop_catalog.models import Cooperative, CooperativeDailyVolume

from . import status

Line = get_model("order", "Line")


def local_day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_default_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return start, start + datetime.timedelta(days=1)


def cooperative_volume_rebuild(*, day: datetime.date, cooperative_ids: list[int] | None = None) -> int:
    """Recompute ``day`` for these cooperatives (all when None). Returns the number of rows written."""
    with transaction.atomic():
        # Concurrent rebuilds of the same cooperatives queue on their rows, so each one
        # reads what the previous one committed and the delete-and-insert never collides.
        locked = Cooperative.objects.select_for_update().order_by("pk")
        if cooperative_ids is not None:
            locked = locked.filter(pk__in=cooperative_ids)
        list(locked.values_list("pk", flat=True))
        start, end = local_day_bounds(day)
        lines = Line.objects.filter(
            order__date_placed__gte=start, order__date_placed__lt=end, partner__cooperative__isnull=False
        ).exclude(order__status__in=status.VOID)
        if cooperative_ids is not None:
            lines = lines.filter(partner__cooperative__id__in=cooperative_ids)
        paid = Q(order__status=status.PAID)
        groups = (
            lines.values("partner__cooperative__id", "order__sources__source_type__code")
            .annotate(
                n_orders=Count("order", distinct=True),
                n_lines=Count("pk"),
                n_quantity=Sum("quantity"),
                n_revenue=Sum("line_price_incl_tax"),
                n_paid_orders=Count("order", filter=paid, distinct=True),
                n_paid_revenue=Sum("line_price_incl_tax", filter=paid),
            )
            .order_by("partner__cooperative__id", "order__sources__source_type__code")
        )
        rows = [
            CooperativeDailyVolume(
                cooperative_id=g["partner__cooperative__id"],
                day=day,
                payment_method=g["order__sources__source_type__code"] or "",
                orders=g["n_orders"],
                lines=g["n_lines"],
                quantity=g["n_quantity"] or 0,
                revenue=g["n_revenue"] or 0,
                paid_orders=g["n_paid_orders"],
                paid_revenue=g["n_paid_revenue"] or 0,
            )
            for g in groups
        ]
        existing = CooperativeDailyVolume.objects.filter(day=day)
        if cooperative_ids is not None:
            existing = existing.filter(cooperative_id__in=cooperative_ids)
        existing.delete()
        CooperativeDailyVolume.objects.bulk_create(rows)
        return len(rows)


def cooperative_volume_summary(*, cooperative: Cooperative, days: int = 30) -> dict:
    """The cooperative's own figures for its dashboard: totals and one row per day, newest first."""
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    rows = CooperativeDailyVolume.objects.filter(cooperative=cooperative, day__gte=since)
    per_day: dict[datetime.date, dict] = defaultdict(
        lambda: {"orders": 0, "quantity": 0, "revenue": Decimal(0), "by_method": {}}
    )
    for row in rows:
        entry = per_day[row.day]
        entry["orders"] += row.orders
        entry["quantity"] += row.quantity
        entry["revenue"] += row.revenue
        entry["by_method"][row.payment_method] = row.orders
    totals = rows.aggregate(orders=Sum("orders"), revenue=Sum("revenue"), paid_revenue=Sum("paid_revenue"))
    return {
        "days": days,
        "totals": {k: v or 0 for k, v in totals.items()},
        "per_day": sorted(per_day.items(), reverse=True),
    }


@shared_task(
    name="ocop_catalog.tasks.cooperative_volume_rebuild_task",  # its name before it moved here
    autoretry_for=(DatabaseError,),
    max_retries=3,
    retry_backoff=True,
    acks_late=True,
)
def cooperative_volume_rebuild_task(day_iso: str, cooperative_ids: list[int] | None = None) -> int:
    return cooperative_volume_rebuild(day=datetime.date.fromisoformat(day_iso), cooperative_ids=cooperative_ids)


def cooperative_volume_refresh_for_order(order) -> None:
    """Rebuild the day the order was placed for its cooperatives: an outbox effect per
    cooperative, written with the order (pending ones for a cooperative and day run once)."""
    day = timezone.localdate(order.date_placed).isoformat()
    ids = sorted({pk for pk in order.lines.values_list("partner__cooperative__id", flat=True) if pk is not None})
    for pk in ids:
        effect_add(cooperative_volume_rebuild_task, day, [pk], key=f"cooperative-volume:{day}:{pk}")
