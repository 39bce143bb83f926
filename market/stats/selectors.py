"""The statistics an organiser reads, each from the rollup tables in a fixed number of
queries whatever the size of the province (``make bench`` and a query-count test hold
this). Every function returns a ``Table``; the privacy rule is applied here."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum
from django.utils.translation import gettext as _

from core import geo
from ocop_catalog.models import Cooperative, CooperativeDailyVolume, OcopCertification
from payments.gateways import gateway_for

from .forms import Filters
from .models import AgentDailyOnboarding, MarketDailyFacts, ProvinceTarget
from .tables import MIN_VENDORS, SUPPRESSED, Column, Table, protect_groups, rate, vendors


def _markets_q(f: Filters, prefix: str = "market__") -> Q:
    q = f.area.q(prefix)
    if f.market:
        q &= Q(**{f"{prefix}pk": f.market.pk})
    return q


def _cooperatives_q(f: Filters, prefix: str = "cooperative__") -> Q:
    q = f.area.q(prefix)
    if f.cooperative:
        q &= Q(**{f"{prefix}pk": f.cooperative.pk})
    return q


# --- Cashless adoption -------------------------------------------------------------------

ADOPTION_COUNTS = ("registered", "approved", "qr_live", "placard_printed", "active")


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


def _with_rates(rows: list[dict], *groupings) -> list[dict]:
    protect_groups(rows, ADOPTION_COUNTS, [*groupings, lambda r: None])
    for row in rows:
        row["rate"] = rate(row["qr_live"], row["declared"])
    return rows


FALLBACK_DAYS = 2


def snapshot_day(f: Filters) -> datetime.date | None:
    """The day the period's market state is read from: its last day, or, when that day's
    rows are not built yet (just after midnight, or a missed nightly run), the latest of the
    two days before it (one query)."""
    return (
        MarketDailyFacts.objects.filter(
            _markets_q(f), day__lte=f.last, day__gte=f.last - datetime.timedelta(days=FALLBACK_DAYS)
        )
        .aggregate(day=Max("day"))
        .get("day")
    )


def adoption_facts(f: Filters, day: datetime.date | None) -> list[MarketDailyFacts]:
    """Each market's facts at the end of ``day`` (one query)."""
    if day is None:
        return []
    return list(
        MarketDailyFacts.objects.filter(_markets_q(f), day=day)
        .select_related("market")
        .order_by("market__province_code", "market__commune_code", "market__name")
    )


def adoption_by_market(facts: list[MarketDailyFacts]) -> Table:
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
    rows = _with_rates(rows, lambda r: r["_commune"], lambda r: r["_province"])
    return Table("markets", _("Tỷ lệ dùng QR theo chợ, tuyến phố"), columns, rows)


ACTIVE_WINDOW_DAYS = 30


def market_activity(f: Filters, facts: list[MarketDailyFacts]) -> Table:
    """What happened in each market during the period (one query): new applications, and
    the QR payments its stalls' bank feeds reported. Payments describe vendors' takings, so
    they are shown only where they cover at least 3 stalls: over a period of 30 days or
    more ending with 3 or more active stalls (every active stall paid within the period)."""
    flows = {
        r["market_id"]: r
        for r in MarketDailyFacts.objects.filter(_markets_q(f), day__gte=f.first, day__lte=f.last)
        .filter(Q(onboarded__gt=0) | Q(payments__gt=0))  # most days have neither: fewer rows to add up
        .values("market_id")
        .annotate(n_onboarded=Sum("onboarded"), n_payments=Sum("payments"), n_amount=Sum("payments_amount"))
        .order_by()
    }
    rows = []
    for fact in facts:
        flow = flows.get(fact.market_id, {})
        covered = f.days >= ACTIVE_WINDOW_DAYS and fact.active >= MIN_VENDORS
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
        table_key, title, _adoption_columns(Column("label", unit, "text")), _with_rates(rows, lambda r: r["_group"])
    )


def adoption_by_commune(facts) -> Table:
    return _adoption_rollup(
        facts,
        lambda m: m.commune_code,
        geo.commune_name,
        "communes",
        _("Tỷ lệ dùng QR theo xã/phường"),
        _("Xã/phường"),
        lambda m: m.province_code,
    )


def adoption_by_province(facts) -> Table:
    return _adoption_rollup(
        facts,
        lambda m: m.province_code,
        geo.province_name,
        "provinces",
        _("Tỷ lệ dùng QR theo tỉnh/thành phố"),
        _("Tỉnh/thành phố"),
        lambda m: None,
    )


def period_ends(f: Filters) -> list[datetime.date]:
    """The last day of each week (Sunday) or month in the period; the period's last day closes it."""
    ends, day = [], f.first
    while day <= f.last:
        if f.grain == "month":
            next_month = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
            end = next_month - datetime.timedelta(days=1)
        else:
            end = day + datetime.timedelta(days=6 - day.weekday())
        ends.append(min(end, f.last))
        day = end + datetime.timedelta(days=1)
    return ends


def adoption_trend(f: Filters, target: int | None = None, snapshot: datetime.date | None = None) -> Table:
    """Adoption at the end of each week or month (one query), against the province's target;
    the last point is read from ``snapshot`` (see ``snapshot_day``)."""
    ends = period_ends(f)
    if snapshot and ends and snapshot < ends[-1]:
        ends = sorted({end for end in ends if end < snapshot} | {snapshot})
    sums = {
        row["day"]: row
        for row in MarketDailyFacts.objects.filter(_markets_q(f), day__in=ends)
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
        _("Xu hướng tỷ lệ dùng QR theo tháng") if f.grain == "month" else _("Xu hướng tỷ lệ dùng QR theo tuần"),
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


def province_target(f: Filters) -> int | None:
    if f.area.province_code is None:
        return None
    return (
        ProvinceTarget.objects.filter(province_code=f.area.province_code)
        .values_list("target_percent", flat=True)
        .first()
    )


def _hide_with_n(row: dict, key: str) -> dict:
    """A hidden count of applications hides the count beside it too: “2 days” next to “< 3”
    applications would give it away."""
    if row["n"] is SUPPRESSED:
        row[key] = SUPPRESSED
    return row


def onboarding_by_agent(f: Filters) -> tuple[Table, Table]:
    """Applications sent by each field agent, and per camp day (one query)."""
    rows = list(
        AgentDailyOnboarding.objects.filter(_markets_q(f), day__gte=f.first, day__lte=f.last)
        .values("day", "agent_id", "agent__first_name", "agent__last_name", "agent__username")
        .annotate(n=Sum("applications"))
        .order_by("-day", "agent__username")
    )
    per_agent: dict = defaultdict(lambda: {"n": 0, "days": set()})
    per_day: dict = defaultdict(lambda: {"n": 0, "agents": set()})
    for r in rows:
        name = f"{r['agent__last_name']} {r['agent__first_name']}".strip() or r["agent__username"]
        per_agent[name]["n"] += r["n"]
        per_agent[name]["days"].add(r["day"])
        per_day[r["day"]]["n"] += r["n"]
        per_day[r["day"]]["agents"].add(r["agent_id"])
    agent_rows = [{"label": k, "days": len(v["days"]), "n": vendors(v["n"])} for k, v in sorted(per_agent.items())]
    day_rows = [{"label": k, "agents": len(v["agents"]), "n": vendors(v["n"])} for k, v in sorted(per_day.items())]
    # The two tables break down one total: a lone hidden cell in either could be subtracted out.
    for rows in (agent_rows, day_rows):
        protect_groups(rows, ["n"], [lambda r: None])
        for row in rows:
            _hide_with_n(row, "days" if "days" in row else "agents")
    agents = Table(
        "agents",
        _("Hồ sơ do tổ công nghệ số đăng ký hộ, theo người"),
        [Column("label", _("Người đăng ký hộ"), "text"), Column("days", _("Số ngày")), Column("n", _("Số hồ sơ"))],
        agent_rows,
    )
    days = Table(
        "camp_days",
        _("Hồ sơ đăng ký hộ theo ngày (ngày ra quân)"),
        [Column("label", _("Ngày"), "date"), Column("agents", _("Số người")), Column("n", _("Số hồ sơ"))],
        day_rows,
    )
    return agents, days


# --- Cooperative order volume ----------------------------------------------------------


def _volume(f: Filters):
    return CooperativeDailyVolume.objects.filter(_cooperatives_q(f), day__gte=f.first, day__lte=f.last)


def cooperative_volume(f: Filters) -> Table:
    """Orders and revenue per cooperative, with orders a day before and after the split date (one query)."""
    before, after = Q(day__lt=f.split), Q(day__gte=f.split)
    days_before = max((f.split - f.first).days, 1)
    days_after = max((f.last - f.split).days + 1, 1)
    rows = []
    for r in (
        _volume(f)
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
                "per_day": (Decimal(r["n_orders"]) / f.days).quantize(Decimal("0.1")),
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
            Column("before", _("Đơn/ngày trước %(day)s") % {"day": f"{f.split:%d/%m/%Y}"}, "decimal"),
            Column("after", _("Đơn/ngày từ %(day)s") % {"day": f"{f.split:%d/%m/%Y}"}, "decimal"),
            Column("lines", _("Số dòng hàng")),
            Column("quantity", _("Số lượng")),
            Column("revenue", _("Doanh thu"), "money"),
            Column("paid_revenue", _("Đã thu"), "money"),
        ],
        rows,
    )


DAILY_UP_TO = 92  # longer periods are shown per week or month


def orders_per_day(f: Filters) -> Table:
    """Orders and revenue a day over the period, every day present; a period longer than
    ``DAILY_UP_TO`` days is shown per week or month instead (one query)."""
    found = {
        r["day"]: r
        for r in _volume(f).values("day").annotate(n_orders=Sum("orders"), n_revenue=Sum("revenue")).order_by()
    }
    if not found:
        rows = []
    elif f.days <= DAILY_UP_TO:
        rows = [
            {
                "label": day,
                "orders": found.get(day, {}).get("n_orders") or 0,
                "revenue": found.get(day, {}).get("n_revenue") or 0,
            }
            for day in (f.first + datetime.timedelta(days=n) for n in range(f.days))
        ]
    else:
        ends = period_ends(f)
        totals = {end: {"label": end, "orders": 0, "revenue": 0} for end in ends}
        for day, r in found.items():
            end = next(e for e in ends if e >= day)
            totals[end]["orders"] += r["n_orders"] or 0
            totals[end]["revenue"] += r["n_revenue"] or 0
        rows = list(totals.values())
    per = f.days <= DAILY_UP_TO and "day" or f.grain
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


def payment_mix(f: Filters) -> tuple[Table, Decimal | None]:
    """Orders by payment method and the cashless share: paid VietQR and card orders ÷ all
    orders (cancelled and expired orders are not counted as orders). One query."""
    rows, total, cashless = [], 0, 0
    for r in (
        _volume(f)
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


def ocop_products(f: Filters) -> Table:
    """OCOP products on sale today, by cooperative and star level (one query)."""
    coops = Cooperative.objects.filter(_cooperatives_q(f, ""))
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


def dashboard(f: Filters) -> dict:
    """Everything the dashboard shows, as tables (and the cashless share)."""
    snapshot = snapshot_day(f)
    facts = adoption_facts(f, snapshot)
    target = province_target(f)
    agents, camp_days = onboarding_by_agent(f)
    methods, cashless_share = payment_mix(f)
    markets = adoption_by_market(facts)
    return {
        "markets": markets,
        "activity": market_activity(f, facts),
        "communes": adoption_by_commune(facts),
        "provinces": adoption_by_province(facts),
        "trend": adoption_trend(f, target, snapshot),
        "target": target,
        "snapshot": snapshot,
        "agents": agents,
        "camp_days": camp_days,
        "cooperatives": cooperative_volume(f),
        "daily": orders_per_day(f),
        "methods": methods,
        "ocop": ocop_products(f),
        "cashless_share": cashless_share,
        "headline": _headline(facts),
    }


def _headline(facts) -> dict:
    declared = sum(f.market.declared_stalls for f in facts)
    qr_live = vendors(sum(f.qr_live for f in facts))
    return {
        "markets": len(facts),
        "declared": declared,
        "qr_live": qr_live,
        "rate": rate(qr_live, declared),
        "active": vendors(sum(f.active for f in facts)),
    }


TABLE_KEYS = (
    "markets",
    "activity",
    "communes",
    "provinces",
    "trend",
    "agents",
    "camp_days",
    "cooperatives",
    "daily",
    "methods",
    "ocop",
)


def table(key: str, f: Filters) -> Table | None:
    """One table by its key (for exports), or None for an unknown key."""
    builders = {
        "markets": lambda: adoption_by_market(adoption_facts(f, snapshot_day(f))),
        "communes": lambda: adoption_by_commune(adoption_facts(f, snapshot_day(f))),
        "activity": lambda: market_activity(f, adoption_facts(f, snapshot_day(f))),
        "provinces": lambda: adoption_by_province(adoption_facts(f, snapshot_day(f))),
        "trend": lambda: adoption_trend(f, province_target(f), snapshot_day(f)),
        "agents": lambda: onboarding_by_agent(f)[0],
        "camp_days": lambda: onboarding_by_agent(f)[1],
        "cooperatives": lambda: cooperative_volume(f),
        "daily": lambda: orders_per_day(f),
        "methods": lambda: payment_mix(f)[0],
        "ocop": lambda: ocop_products(f),
    }
    return builders[key]() if key in builders else None
