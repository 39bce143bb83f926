"""The statistics rollups and what the dashboard reads from them, checked against an
independent computation over the raw stalls and order lines."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from oscar.core.loading import get_model

from core.areas import Area
from market.stats.forms import Filters
from market.stats.models import MarketDailyFacts
from market.stats.reports import (
    adoption_by_market,
    adoption_facts,
    cooperative_volume,
    dashboard,
    payment_mix,
    snapshot_day,
)
from market.stats.rollup import market_facts_rebuild
from market.stats.tables import SUPPRESSED
from merchants.models import IssuedQR, Market, StallPayment
from merchants.services import application_approve, merchant_account_change_request
from ocop_catalog.models import CooperativeDailyVolume
from payments import status
from payments.services.orders import order_pay, order_void
from tests.factories import CooperativeFactory, UserFactory, checkout, make_product, order_number_from, vendor_with_qr
from tests.factories import market as make_market

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")
Line = get_model("order", "Line")
TZ = timezone.get_default_timezone()
OTHER_COMMUNE = 3667  # Phường Chiềng An, Sơn La
HANOI_COMMUNE = 4  # Phường Ba Đình, Hà Nội


def local(day: datetime.date, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


@pytest.fixture
def street():
    """Three markets in two communes of Sơn La and one in Hà Nội, with stalls in every state."""
    today = timezone.localdate()
    markets = {
        "centre": make_market(slug="centre", name="Chợ Trung tâm", declared=10),
        "chieng-an": Market.objects.create(
            slug="chieng-an", name="Chợ Chiềng An", province_code=14, commune_code=OTHER_COMMUNE, declared_stalls=8
        ),
        "hanoi": Market.objects.create(
            slug="hanoi", name="Chợ Ba Đình", province_code=1, commune_code=HANOI_COMMUNE, declared_stalls=20
        ),
    }
    n = 0
    for slug, live in (("centre", 5), ("chieng-an", 3), ("hanoi", 4)):
        for k in range(live + 1):
            n += 1
            # The last of each market is only submitted (registered, not approved).
            vendor_with_qr(markets[slug], code=f"K{k}", phone=f"0912 100 {n:03d}", approve=k < live)
    # Backdate: everything happened ten days ago, so the period has a history.
    from merchants.models import Application

    ten_days_ago = local(today - datetime.timedelta(days=10))
    Market.objects.update(created_at=local(today - datetime.timedelta(days=60)))
    Application.objects.update(created_at=ten_days_ago, reviewed_at=ten_days_ago)
    IssuedQR.objects.update(issued_at=ten_days_ago)
    return markets


def rebuild(days=12):
    call_command("rebuild_statistics", "--days", str(days), stdout=open("/dev/null", "w"))


def expected_adoption(day: datetime.date, markets) -> dict:
    """Live QRs per market at the end of ``day``, straight from IssuedQR."""
    end = local(day + datetime.timedelta(days=1), 0)
    live = defaultdict(set)
    for qr in IssuedQR.objects.select_related("stall"):
        if qr.issued_at < end and (qr.revoked_at is None or qr.revoked_at >= end):
            live[qr.stall.market_id].add(qr.stall_id)
    return {m.name: len(live[m.pk]) for m in markets}


def shown(value):
    return SUPPRESSED if 0 < value < 3 else value


@pytest.mark.parametrize(
    "area, market_slug, names",
    [
        (Area(), None, {"Chợ Trung tâm", "Chợ Chiềng An", "Chợ Ba Đình"}),
        (Area(14), None, {"Chợ Trung tâm", "Chợ Chiềng An"}),
        (Area(14, 3646), None, {"Chợ Trung tâm"}),
        (Area(14), "chieng-an", {"Chợ Chiềng An"}),
        (Area(1), None, {"Chợ Ba Đình"}),
    ],
)
def test_adoption_equals_an_independent_count_for_each_filter(street, area, market_slug, names):
    rebuild()
    today = timezone.localdate()
    f = Filters(
        first=today - datetime.timedelta(days=29),
        last=today,
        area=area,
        market=Market.objects.get(slug=market_slug) if market_slug else None,
    )
    table = adoption_by_market(facts=adoption_facts(filters=f, day=snapshot_day(filters=f)))
    got = {row["label"]: (row["qr_live"], row["registered"], row["rate"]) for row in table.rows}
    assert set(got) == names
    truth = expected_adoption(today, Market.objects.filter(name__in=names))
    for market in Market.objects.filter(name__in=names):
        registered = market.stalls.count()
        live = truth[market.name]
        rate = (
            SUPPRESSED
            if shown(live) is SUPPRESSED
            else (Decimal(live) * 100 / market.declared_stalls).quantize(Decimal("0.1"))
        )
        assert got[market.name] == (shown(live), shown(registered), rate)
    # A period ending before the stalls were approved shows none of them.
    before = Filters(first=today - datetime.timedelta(days=40), last=today - datetime.timedelta(days=11), area=area)
    assert all(
        row["qr_live"] == 0
        for row in adoption_by_market(facts=adoption_facts(filters=before, day=snapshot_day(filters=before))).rows
    )


def test_fewer_than_three_vendors_is_never_shown(street):
    # One of Chiềng An's three QRs was revoked (and not re-issued) a week ago: two are left.
    revoked = IssuedQR.objects.filter(stall__market=street["chieng-an"]).first()
    IssuedQR.objects.filter(pk=revoked.pk).update(revoked_at=local(timezone.localdate() - datetime.timedelta(days=7)))
    rebuild()
    today = timezone.localdate()
    data = dashboard(filters=Filters(first=today - datetime.timedelta(days=29), last=today, area=Area(14)))
    small = next(r for r in data["markets"].rows if r["label"] == "Chợ Chiềng An")
    assert small["qr_live"] is SUPPRESSED and small["rate"] is SUPPRESSED and small["approved"] == 3
    assert data["markets"].has_suppressed
    # Rolled up per commune the same rule holds. The province total (7 stalls) is shown, so
    # the other commune and the other market are hidden too: 7 − 5 would give the 2 away.
    communes = {r["label"]: r["qr_live"] for r in data["communes"].rows}
    assert communes == {"Phường Chiềng An": SUPPRESSED, "Phường Tô Hiệu": SUPPRESSED}
    assert next(r for r in data["markets"].rows if r["label"] == "Chợ Trung tâm")["qr_live"] is SUPPRESSED
    assert [r["qr_live"] for r in data["provinces"].rows] == [7]
    assert data["headline"]["qr_live"] == 7


def test_a_revoked_qr_leaves_the_count_and_past_days_keep_their_state(street):
    centre = street["centre"]
    qr = IssuedQR.objects.filter(stall__market=centre).select_related("application__merchant", "stall").first()
    today = timezone.localdate()
    vendor = UserFactory()
    vendor.set_password("rau-sach-2025")
    vendor.save()
    merchant = qr.application.merchant
    merchant.user = vendor
    merchant.save()
    change = merchant_account_change_request(
        merchant=merchant,
        stall=qr.stall,
        password="rau-sach-2025",
        bank_bin="970422",
        account_number="77778888",
        holder_name="Lo Thi Hoa",
        is_card=False,
        actor=vendor,
    )
    application_approve(application=change, reviewer=UserFactory())
    # Revoked three days ago; the new QR too was issued then.
    three_days_ago = local(today - datetime.timedelta(days=3))
    IssuedQR.objects.filter(pk=qr.pk).update(revoked_at=three_days_ago)
    IssuedQR.objects.filter(stall=qr.stall, revoked_at__isnull=True).update(issued_at=three_days_ago)
    rebuild()
    facts = {f.day: f.qr_live for f in MarketDailyFacts.objects.filter(market=centre)}
    assert facts[today] == 5  # one stall, one live QR: not counted twice
    assert facts[today - datetime.timedelta(days=5)] == 5  # the old QR was live then
    # Without the re-issue the stall would drop out: revoke the new one as well.
    IssuedQR.objects.filter(stall=qr.stall, revoked_at__isnull=True).update(revoked_at=local(today, 0, 1))
    market_facts_rebuild(day=today)
    assert MarketDailyFacts.objects.get(market=centre, day=today).qr_live == 4
    assert expected_adoption(today, [centre]) == {centre.name: 4}


def test_active_stalls_count_payments_in_the_last_30_local_days(street):
    from payments.bank_feeds import IncomingTransfer
    from payments.services.bank import bank_transfer_record

    today = timezone.localdate()
    centre_qrs = list(IssuedQR.objects.filter(stall__market=street["centre"]).order_by("pk"))
    # 00:30 local today is 17:30 UTC yesterday: it counts for today, not for yesterday.
    for index, qr in enumerate(centre_qrs[:4]):
        bank_transfer_record(
            provider="sepay",
            transfer=IncomingTransfer(
                provider_txn_id=f"t-{index}",
                amount=50000,
                memo="tien rau",
                account_number=qr.account_number,
                occurred_at=local(today, 0, 30),
            ),
            channel="webhook",
        )
    assert StallPayment.objects.count() == 4
    rebuild()
    facts = {f.day: f for f in MarketDailyFacts.objects.filter(market=street["centre"])}
    assert (facts[today].active, facts[today].payments, facts[today].payments_amount) == (4, 4, Decimal(200000))
    assert facts[today - datetime.timedelta(days=1)].active == 0


def test_rebuilding_twice_gives_identical_rows(street):
    rebuild()
    first = sorted(tuple(r.values()) for r in MarketDailyFacts.objects.values().order_by())
    ids = [r[0] for r in first]
    rebuild()
    second = sorted(tuple(r.values()) for r in MarketDailyFacts.objects.values().order_by())
    assert [r[1:] for r in first] == [r[1:] for r in second] and ids != [r[0] for r in second]
    assert len(first) == 3 * 12  # every market, every day


def test_rebuild_command_rejects_bad_input_with_one_line():
    with pytest.raises(CommandError, match="before"):
        call_command("rebuild_statistics", "--from", "2026-03-02", "--to", "2026-03-01")
    with pytest.raises(CommandError, match="--days"):
        call_command("rebuild_statistics")
    with pytest.raises(CommandError, match="not a date"):
        call_command("rebuild_statistics", "--from", "2026-13-01")


# --- Cooperative order volume ------------------------------------------------------------


@pytest.fixture
def orders(client):
    """Orders of three cooperatives (two in Sơn La, one in Hà Nội) over four local days, by
    every method, some paid late, one cancelled and one expired."""
    today = timezone.localdate()
    coops = [
        CooperativeFactory(),
        CooperativeFactory(commune_code=OTHER_COMMUNE),
        CooperativeFactory(province_code=1, commune_code=HANOI_COMMUNE),
    ]
    products = [
        make_product(cooperative=c, title=f"Sản phẩm {i}", price=100000 + 10000 * i, stock=50)
        for i, c in enumerate(coops)
    ]
    plan = [
        # (products, method, days ago, hour, paid)
        ([0], "vietqr", 3, 9, True),
        ([0, 1], "vietqr", 3, 23, False),
        ([1], "cod", 2, 0, False),
        ([0], "cod", 2, 12, False),
        ([2], "vietqr", 1, 8, True),
        ([0, 2], "vietqr", 1, 23, True),
        ([1], "vietqr", 0, 0, False),
        ([0], "vietqr", 0, 7, False),
    ]
    placed = []
    for index, (which, method, ago, hour, paid) in enumerate(plan):
        response = checkout(type(client)(), [products[i] for i in which], payment_method=method)
        order = Order.objects.get(number=order_number_from(response))
        Order.objects.filter(pk=order.pk).update(date_placed=local(today - datetime.timedelta(days=ago), hour, 1))
        order.refresh_from_db()
        if paid:
            order_pay(order_id=order.pk, amount=order.total_incl_tax, reference=f"t{index}")
        placed.append(order)
    # Paid late: the order of three days ago at 23:01 is paid today.
    order_pay(order_id=placed[1].pk, amount=placed[1].total_incl_tax, reference="late")
    # The last one expires unpaid and a cash order is cancelled: their lines leave the figures.
    order_void(order_id=placed[-1].pk, new_status=status.EXPIRED)
    order_void(order_id=placed[3].pk, new_status=status.CANCELLED)
    return coops, placed


def expected_volume(first, last, coops) -> dict:
    ids = {c.partner_id: c for c in coops}
    out = defaultdict(lambda: {"orders": set(), "revenue": Decimal(0), "paid_revenue": Decimal(0)})
    for line in Line.objects.select_related("order"):
        day = timezone.localdate(line.order.date_placed)
        if line.partner_id not in ids or not first <= day <= last or line.order.status in status.VOID:
            continue
        entry = out[ids[line.partner_id].partner.name]
        entry["orders"].add(line.order_id)
        entry["revenue"] += line.line_price_incl_tax
        if line.order.status == status.PAID:
            entry["paid_revenue"] += line.line_price_incl_tax
    return {k: (len(v["orders"]), v["revenue"], v["paid_revenue"]) for k, v in out.items()}


@pytest.mark.parametrize(
    "area, coop_index, days",
    [(Area(), None, 4), (Area(14), None, 4), (Area(14, 3646), None, 2), (Area(14), 1, 3), (Area(1), None, 1)],
)
def test_cooperative_volume_equals_the_order_lines(orders, area, coop_index, days):
    coops, _placed = orders
    rebuild(days=5)
    today = timezone.localdate()
    first = today - datetime.timedelta(days=days - 1)
    coop = coops[coop_index] if coop_index is not None else None
    f = Filters(first=first, last=today, area=area, cooperative=coop)
    got = {r["label"]: (r["orders"], r["revenue"], r["paid_revenue"]) for r in cooperative_volume(filters=f).rows}
    in_scope = [c for c in coops if area.contains(province_code=c.province_code, commune_code=c.commune_code)]
    if coop:
        in_scope = [coop]
    assert got == expected_volume(first, today, in_scope)


def test_cashless_share_counts_paid_transfers_over_all_live_orders(orders):
    rebuild(days=5)
    today = timezone.localdate()
    table, share = payment_mix(filters=Filters(first=today - datetime.timedelta(days=3), last=today, area=Area()))
    live = Order.objects.exclude(status__in=status.VOID)
    paid_cashless = live.filter(status=status.PAID, sources__source_type__code__in=["vietqr", "card"]).count()
    # The rollup counts an order once per cooperative: count the same way.
    per_coop_orders = sum(r["orders"] for r in table.rows)
    assert per_coop_orders == sum(o.lines.values("partner").distinct().count() for o in live)
    paid_transfer_rows = sum(r["paid"] for r in table.rows if "VietQR" in r["label"])
    # Four paid transfer orders, two of them with two cooperatives' lines: six cooperative orders.
    assert paid_cashless == 4 and paid_transfer_rows == 6
    assert share == (Decimal(paid_transfer_rows) * 100 / per_coop_orders).quantize(Decimal("0.1"))


def test_days_split_at_vietnamese_midnight(orders):
    coops, placed = orders
    rebuild(days=5)
    today = timezone.localdate()
    # The order at 00:01 today (17:01 UTC yesterday) is today's; 23:01 three days ago stays there.
    rows = CooperativeDailyVolume.objects.filter(cooperative=coops[1])
    by_day = defaultdict(int)
    for r in rows:
        by_day[r.day] += r.orders
    assert by_day[today] == 1
    assert by_day[today - datetime.timedelta(days=3)] == 1
    assert by_day[today - datetime.timedelta(days=2)] == 1


def test_a_market_added_later_has_no_rows_before_it_existed(street):
    today = timezone.localdate()
    Market.objects.filter(slug="hanoi").update(created_at=local(today - datetime.timedelta(days=2)))
    rebuild()
    days = sorted(MarketDailyFacts.objects.filter(market=street["hanoi"]).values_list("day", flat=True))
    assert days == [today - datetime.timedelta(days=n) for n in (2, 1, 0)]


def test_just_after_midnight_the_dashboard_reads_yesterday_until_today_is_built(street):
    today = timezone.localdate()
    rebuild()
    MarketDailyFacts.objects.filter(day=today).delete()  # the nightly rebuild has not run yet
    f = Filters(first=today - datetime.timedelta(days=29), last=today, area=Area(14))
    data = dashboard(filters=f)
    assert data["snapshot"] == today - datetime.timedelta(days=1)
    assert {r["label"]: r["qr_live"] for r in data["markets"].rows} == {"Chợ Trung tâm": 5, "Chợ Chiềng An": 3}
    assert data["trend"].rows[-1]["label"] == today - datetime.timedelta(days=1)
    # One event today rebuilds every market for today, not only its own: never half a day.
    market_facts_rebuild(day=today, market_ids=[street["centre"].pk])
    assert MarketDailyFacts.objects.filter(day=today).count() == 3
    assert dashboard(filters=f)["snapshot"] == today


def _record_rebuilds(monkeypatch) -> list:
    from market.stats import tasks

    calls = []

    def rebuild(*, day, market_ids):
        calls.append((day.isoformat(), market_ids))
        return 0

    monkeypatch.setattr(tasks, "market_facts_rebuild", rebuild)
    return calls


def test_a_bulk_approval_is_one_rebuild_per_market_and_day(django_capture_on_commit_callbacks, monkeypatch):
    from django.db import transaction

    calls = _record_rebuilds(monkeypatch)
    m = make_market(slug="bulk")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for k in range(6):
            vendor_with_qr(m, code=f"Z{k}", phone=f"0917 000 00{k}")
    assert calls == [(timezone.localdate().isoformat(), [m.pk])]


def test_a_rolled_back_change_leaves_no_rebuild_and_each_commit_is_one(django_capture_on_commit_callbacks, monkeypatch):
    from django.db import transaction

    from core.models import OutboxEffect
    from market.stats import tasks

    calls = _record_rebuilds(monkeypatch)
    kept, lost = make_market(slug="kept"), make_market(slug="lost")
    today = timezone.localdate().isoformat()
    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.market_facts_refresh(lost.pk)
        raise RuntimeError("the change is refused")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            tasks.market_facts_refresh(kept.pk)
            tasks.market_facts_refresh(kept.pk)
    assert calls == [(today, [kept.pk]), (today, [kept.pk])]
    assert not OutboxEffect.objects.filter(key=f"market-facts:{today}:{lost.pk}").exists()
    assert not OutboxEffect.objects.filter(done_at=None).exists()
