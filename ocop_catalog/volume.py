"""The per-cooperative daily order record (``CooperativeDailyVolume``): rebuild and read.

A day's rows are recomputed from Oscar's order lines, never incremented, so the rebuild
is idempotent and a late payment, a cancellation or an expiry is one more rebuild of the
day the order was placed. Days are local (Asia/Ho_Chi_Minh) days.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from oscar.core.loading import get_model

from payments import status

from .models import Cooperative, CooperativeDailyVolume

Line = get_model("order", "Line")


def local_day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_default_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return start, start + datetime.timedelta(days=1)


def cooperative_volume_rebuild(*, day: datetime.date, cooperative_ids: list[int] | None = None) -> int:
    """Recompute ``day`` for these cooperatives (all when None). Returns the number of rows written."""
    start, end = local_day_bounds(day)
    lines = (
        Line.objects.filter(
            order__date_placed__gte=start, order__date_placed__lt=end, partner__cooperative__isnull=False
        )
        .exclude(order__status__in=status.VOID)
        .values(
            "order_id",
            "order__status",
            "quantity",
            "line_price_incl_tax",
            "partner__cooperative__id",
            "order__sources__source_type__code",
        )
    )
    if cooperative_ids is not None:
        lines = lines.filter(partner__cooperative__id__in=cooperative_ids)
    totals: dict[tuple[int, str], dict] = defaultdict(
        lambda: {
            "orders": set(),
            "paid": set(),
            "lines": 0,
            "quantity": 0,
            "revenue": Decimal(0),
            "paid_revenue": Decimal(0),
        }
    )
    for row in lines:
        key = (row["partner__cooperative__id"], row["order__sources__source_type__code"] or "")
        bucket = totals[key]
        bucket["orders"].add(row["order_id"])
        bucket["lines"] += 1
        bucket["quantity"] += row["quantity"]
        bucket["revenue"] += Decimal(row["line_price_incl_tax"])
        if row["order__status"] == status.PAID:
            bucket["paid"].add(row["order_id"])
            bucket["paid_revenue"] += Decimal(row["line_price_incl_tax"])
    rows = [
        CooperativeDailyVolume(
            cooperative_id=cooperative_id,
            day=day,
            payment_method=method,
            orders=len(bucket["orders"]),
            lines=bucket["lines"],
            quantity=bucket["quantity"],
            revenue=bucket["revenue"],
            paid_orders=len(bucket["paid"]),
            paid_revenue=bucket["paid_revenue"],
        )
        for (cooperative_id, method), bucket in sorted(totals.items())
    ]
    with transaction.atomic():
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
