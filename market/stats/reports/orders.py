"""Cooperatives' online orders: volume per cooperative, orders per day, the payment-method mix,
and the OCOP products on sale."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from ocop_catalog.models import Cooperative, CooperativeDailyVolume, OcopCertification
from payments.gateways import gateway_for

from ..forms import Filters
from ..tables import Column, Table, rate
from .common import cooperatives_q, period_ends


def _volume(*, filters: Filters):
    return CooperativeDailyVolume.objects.filter(
        cooperatives_q(filters=filters), day__gte=filters.first, day__lte=filters.last
    )


def cooperative_volume(*, filters: Filters) -> Table:
    """Orders and revenue per cooperative, with orders a day before and after the split date (one query)."""
    before, after = Q(day__lt=filters.split), Q(day__gte=filters.split)
    days_before = max((filters.split - filters.first).days, 1)
    days_after = max((filters.last - filters.split).days + 1, 1)
    rows = []
    for r in (
        _volume(filters=filters)
        .values("cooperative_id", "cooperative__partner__name")
        .annotate(
            n_orders=Sum("orders"),
            n_lines=Sum("lines"),
            n_quantity=Sum("quantity"),
            n_revenue=Sum("revenue"),
            n_paid_revenue=Sum("paid_revenue"),
            n_before=Sum("orders", filter=before),
            n_after=Sum("orders", filter=after),
        )
        .order_by("-n_orders", "cooperative__partner__name")
    ):
        rows.append(
            {
                "label": r["cooperative__partner__name"],
                "orders": r["n_orders"],
                "per_day": (Decimal(r["n_orders"]) / filters.days).quantize(Decimal("0.1")),
                "before": (Decimal(r["n_before"] or 0) / days_before).quantize(Decimal("0.1")),
                "after": (Decimal(r["n_after"] or 0) / days_after).quantize(Decimal("0.1")),
                "lines": r["n_lines"],
                "quantity": r["n_quantity"],
                "revenue": r["n_revenue"],
                "paid_revenue": r["n_paid_revenue"],
            }
        )
    return Table(
        "cooperatives",
        _("Đơn hàng theo hợp tác xã"),
        [
            Column("label", _("Hợp tác xã"), "text"),
            Column("orders", _("Số đơn")),
            Column("per_day", _("Đơn/ngày"), "decimal"),
            Column("before", _("Đơn/ngày trước %(day)s") % {"day": f"{filters.split:%d/%m/%Y}"}, "decimal"),
            Column("after", _("Đơn/ngày từ %(day)s") % {"day": f"{filters.split:%d/%m/%Y}"}, "decimal"),
            Column("lines", _("Số dòng hàng")),
            Column("quantity", _("Số lượng")),
            Column("revenue", _("Doanh thu"), "money"),
            Column("paid_revenue", _("Đã thu"), "money"),
        ],
        rows,
    )


DAILY_UP_TO = 92  # longer periods are shown per week or month


def orders_per_day(*, filters: Filters) -> Table:
    """Orders and revenue a day over the period, every day present; a period longer than
    ``DAILY_UP_TO`` days is shown per week or month instead (one query)."""
    found = {
        r["day"]: r
        for r in _volume(filters=filters)
        .values("day")
        .annotate(n_orders=Sum("orders"), n_revenue=Sum("revenue"))
        .order_by()
    }
    if not found:
        rows = []
    elif filters.days <= DAILY_UP_TO:
        rows = [
            {
                "label": day,
                "orders": found.get(day, {}).get("n_orders") or 0,
                "revenue": found.get(day, {}).get("n_revenue") or 0,
            }
            for day in (filters.first + datetime.timedelta(days=n) for n in range(filters.days))
        ]
    else:
        ends = period_ends(filters=filters)
        totals = {end: {"label": end, "orders": 0, "revenue": 0} for end in ends}
        for day, r in found.items():
            end = next(e for e in ends if e >= day)
            totals[end]["orders"] += r["n_orders"] or 0
            totals[end]["revenue"] += r["n_revenue"] or 0
        rows = list(totals.values())
    per = filters.days <= DAILY_UP_TO and "day" or filters.grain
    titles = {
        "day": _("Đơn hàng và doanh thu theo ngày"),
        "week": _("Đơn hàng và doanh thu theo tuần"),
        "month": _("Đơn hàng và doanh thu theo tháng"),
    }
    first_column = _("Ngày") if per == "day" else _("Cuối kỳ")
    return Table(
        "daily",
        titles[per],
        [
            Column("label", first_column, "date"),
            Column("orders", _("Số đơn")),
            Column("revenue", _("Doanh thu"), "money"),
        ],
        rows,
    )


def payment_mix(*, filters: Filters) -> tuple[Table, Decimal | None]:
    """Orders by payment method and the cashless share: paid VietQR and card orders ÷ all
    orders (cancelled and expired orders are not counted as orders). One query."""
    rows, total, cashless = [], 0, 0
    for r in (
        _volume(filters=filters)
        .values("payment_method")
        .annotate(n_orders=Sum("orders"), n_paid=Sum("paid_orders"), n_revenue=Sum("revenue"))
        .order_by("payment_method")
    ):
        total += r["n_orders"]
        gateway = gateway_for(r["payment_method"])
        if gateway is not None and gateway.cashless:
            cashless += r["n_paid"]
        rows.append(
            {
                "label": str(gateway.label) if gateway else (r["payment_method"] or _("Không rõ")),
                "orders": r["n_orders"],
                "paid": r["n_paid"],
                "revenue": r["n_revenue"],
            }
        )
    for row in rows:
        row["share"] = rate(row["orders"], total)
    share = rate(cashless, total)
    table = Table(
        "methods",
        _("Hình thức thanh toán"),
        [
            Column("label", _("Hình thức"), "text"),
            Column("orders", _("Số đơn")),
            Column("share", _("Tỷ trọng (%)"), "percent"),
            Column("paid", _("Đơn đã thanh toán")),
            Column("revenue", _("Doanh thu"), "money"),
        ],
        rows,
        note=_(
            "Tỷ lệ không dùng tiền mặt = đơn VietQR và thẻ đã thanh toán ÷ tất cả đơn (trừ đơn huỷ, hết hạn). "
            "Đơn có hàng của nhiều hợp tác xã được tính một lần cho mỗi hợp tác xã."
        ),
    )
    return table, share


def ocop_products(*, filters: Filters) -> Table:
    """OCOP products on sale today, by cooperative and star level (one query)."""
    coops = Cooperative.objects.filter(cooperatives_q(filters=filters, prefix=""))
    counts: dict = defaultdict(lambda: {3: 0, 4: 0, 5: 0})
    for r in (
        OcopCertification.objects.valid_today()
        .filter(product__is_public=True, product__stockrecords__partner__cooperative__in=coops)
        .values("product__stockrecords__partner__name", "stars")
        .annotate(n=Count("product", distinct=True))
        .order_by()
    ):
        counts[r["product__stockrecords__partner__name"]][r["stars"]] += r["n"]
    rows = [
        {"label": name, "s3": c[3], "s4": c[4], "s5": c[5], "total": c[3] + c[4] + c[5]}
        for name, c in sorted(counts.items())
    ]
    return Table(
        "ocop",
        _("Sản phẩm OCOP đang bán, theo hạng sao"),
        [
            Column("label", _("Hợp tác xã"), "text"),
            Column("s3", _("3 sao")),
            Column("s4", _("4 sao")),
            Column("s5", _("5 sao")),
            Column("total", _("Tổng")),
        ],
        rows,
    )
