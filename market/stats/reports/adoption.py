"""Cashless adoption: stalls registered, approved, with a live QR, a placard, and active, per
market, commune and province, its trend against the province's target, and new activity."""

import datetime
from collections import defaultdict

from django.db.models import Max, Q, Sum
from django.utils.translation import gettext as _

from core import geo

from ..forms import Filters
from ..models import MarketDailyFacts, ProvinceTarget
from ..tables import MIN_VENDORS, Column, Table, protect_groups, rate, vendors
from .common import ADOPTION_COUNTS, markets_q, period_ends, with_rates


def _adoption_columns(first: Column) -> list[Column]:
    return [
        first,
        Column("declared", _("Tổng số sạp (khai báo)")),
        Column("registered", _("Đã đăng ký")),
        Column("approved", _("Được duyệt")),
        Column("qr_live", _("Có mã QR còn hiệu lực")),
        Column("placard_printed", _("Đã in bảng QR")),
        Column("rate", _("Tỷ lệ dùng QR (%)"), "percent"),
        Column("active", _("Hoạt động 30 ngày")),
    ]


def _adoption_row(label: str, sums: dict, declared: int) -> dict:
    return {"label": label, "declared": declared, **{k: vendors(sums.get(k) or 0) for k in ADOPTION_COUNTS}}


FALLBACK_DAYS = 2


def snapshot_day(*, filters: Filters) -> datetime.date | None:
    """The day the period's market state is read from: its last day, or, when that day's
    rows are not built yet (just after midnight, or a missed nightly run), the latest of the
    two days before it (one query)."""
    return (
        MarketDailyFacts.objects.filter(
            markets_q(filters=filters),
            day__lte=filters.last,
            day__gte=filters.last - datetime.timedelta(days=FALLBACK_DAYS),
        )
        .aggregate(day=Max("day"))
        .get("day")
    )


def adoption_facts(*, filters: Filters, day: datetime.date | None) -> list[MarketDailyFacts]:
    """Each market's facts at the end of ``day`` (one query)."""
    if day is None:
        return []
    return list(
        MarketDailyFacts.objects.filter(markets_q(filters=filters), day=day)
        .select_related("market")
        .order_by("market__province_code", "market__commune_code", "market__name")
    )


def adoption_by_market(*, facts: list[MarketDailyFacts]) -> Table:
    rows = []
    for fact in facts:
        counts = {k: getattr(fact, k) for k in ADOPTION_COUNTS}
        row = _adoption_row(fact.market.name, counts, fact.market.declared_stalls)
        row["kind"] = fact.market.get_kind_display()
        row["commune"] = fact.market.commune_name
        row["_commune"], row["_province"] = fact.market.commune_code, fact.market.province_code
        rows.append(row)
    columns = _adoption_columns(Column("label", _("Chợ / tuyến phố"), "text"))
    columns[1:1] = [Column("kind", _("Loại"), "text"), Column("commune", _("Xã/phường"), "text")]
    rows = with_rates(rows, lambda r: r["_commune"], lambda r: r["_province"])
    return Table("markets", _("Tỷ lệ dùng QR theo chợ, tuyến phố"), columns, rows)


ACTIVE_WINDOW_DAYS = 30


def market_activity(*, filters: Filters, facts: list[MarketDailyFacts]) -> Table:
    """What happened in each market during the period (one query): new applications, and
    the QR payments its stalls' bank feeds reported. Payments describe vendors' takings, so
    they are shown only where they cover at least 3 stalls: over a period of 30 days or
    more ending with 3 or more active stalls (every active stall paid within the period)."""
    flows = {
        r["market_id"]: r
        for r in MarketDailyFacts.objects.filter(
            markets_q(filters=filters), day__gte=filters.first, day__lte=filters.last
        )
        .filter(Q(onboarded__gt=0) | Q(payments__gt=0))  # most days have neither: fewer rows to add up
        .values("market_id")
        .annotate(n_onboarded=Sum("onboarded"), n_payments=Sum("payments"), n_amount=Sum("payments_amount"))
        .order_by()
    }
    rows = []
    for fact in facts:
        flow = flows.get(fact.market_id, {})
        covered = filters.days >= ACTIVE_WINDOW_DAYS and fact.active >= MIN_VENDORS
        payments = flow.get("n_payments") or 0
        shown = covered or not payments
        rows.append(
            {
                "label": fact.market.name,
                "onboarded": vendors(flow.get("n_onboarded") or 0),
                "payments": payments if shown else None,
                "amount": (flow.get("n_amount") or 0) if shown else None,
                "_commune": fact.market.commune_code,
            }
        )
    protect_groups(rows, ["onboarded"], [lambda r: r["_commune"], lambda r: None])
    return Table(
        "activity",
        _("Hoạt động trong kỳ theo chợ"),
        [
            Column("label", _("Chợ / tuyến phố"), "text"),
            Column("onboarded", _("Hồ sơ mới")),
            Column("payments", _("Giao dịch nhận tiền qua QR")),
            Column("amount", _("Tiền nhận qua QR"), "money"),
        ],
        rows,
        note=_(
            "Chỉ tính tài khoản ngân hàng có kết nối báo giao dịch với Chợ Số. “—”: chỉ hiện khi kỳ dài từ 30 ngày "
            "và chợ có từ 3 sạp hoạt động, để không lộ tiền của từng tiểu thương."
        ),
    )


def _adoption_rollup(facts, key, label, table_key, title, unit, parent) -> Table:
    sums: dict = defaultdict(lambda: defaultdict(int))
    parents = {}
    for fact in facts:
        code = key(fact.market)
        parents[code] = parent(fact.market)
        group = sums[code]
        group["declared"] += fact.market.declared_stalls
        for k in ADOPTION_COUNTS:
            group[k] += getattr(fact, k)
    rows = []
    for code, group in sums.items():
        row = _adoption_row(label(code), group, group["declared"])
        row["_group"] = parents[code]
        rows.append(row)
    rows.sort(key=lambda r: r["label"])
    return Table(
        table_key, title, _adoption_columns(Column("label", unit, "text")), with_rates(rows, lambda r: r["_group"])
    )


def adoption_by_commune(*, facts) -> Table:
    return _adoption_rollup(
        facts,
        lambda m: m.commune_code,
        geo.commune_name,
        "communes",
        _("Tỷ lệ dùng QR theo xã/phường"),
        _("Xã/phường"),
        lambda m: m.province_code,
    )


def adoption_by_province(*, facts) -> Table:
    return _adoption_rollup(
        facts,
        lambda m: m.province_code,
        geo.province_name,
        "provinces",
        _("Tỷ lệ dùng QR theo tỉnh/thành phố"),
        _("Tỉnh/thành phố"),
        lambda m: None,
    )


def adoption_trend(*, filters: Filters, target: int | None = None, snapshot: datetime.date | None = None) -> Table:
    """Adoption at the end of each week or month (one query), against the province's target;
    the last point is read from ``snapshot`` (see ``snapshot_day``)."""
    ends = period_ends(filters=filters)
    if snapshot and ends and snapshot < ends[-1]:
        ends = sorted({end for end in ends if end < snapshot} | {snapshot})
    sums = {
        row["day"]: row
        for row in MarketDailyFacts.objects.filter(markets_q(filters=filters), day__in=ends)
        .values("day")
        .annotate(
            n_declared=Sum("market__declared_stalls"),
            n_registered=Sum("registered"),
            n_qr_live=Sum("qr_live"),
            n_placard_printed=Sum("placard_printed"),
            n_active=Sum("active"),
        )
        .order_by()
    }
    rows = []
    for end in ends:
        row = sums.get(end, {})
        qr_live = vendors(row.get("n_qr_live") or 0)
        rows.append(
            {
                "label": end,
                "registered": vendors(row.get("n_registered") or 0),
                "qr_live": qr_live,
                "placard_printed": vendors(row.get("n_placard_printed") or 0),
                "active": vendors(row.get("n_active") or 0),
                "rate": rate(qr_live, row.get("n_declared") or 0),
                "target": target,
            }
        )
    return Table(
        "trend",
        _("Xu hướng tỷ lệ dùng QR theo tháng") if filters.grain == "month" else _("Xu hướng tỷ lệ dùng QR theo tuần"),
        [
            Column("label", _("Cuối kỳ"), "date"),
            Column("registered", _("Đã đăng ký")),
            Column("qr_live", _("Có mã QR còn hiệu lực")),
            Column("placard_printed", _("Đã in bảng QR")),
            Column("active", _("Hoạt động 30 ngày")),
            Column("rate", _("Tỷ lệ dùng QR (%)"), "percent"),
            Column("target", _("Mục tiêu (%)"), "percent"),
        ],
        rows,
    )


def province_target(*, filters: Filters) -> int | None:
    if filters.area.province_code is None:
        return None
    return (
        ProvinceTarget.objects.filter(province_code=filters.area.province_code)
        .values_list("target_percent", flat=True)
        .first()
    )
