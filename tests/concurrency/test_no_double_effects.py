"""Real threads against PostgreSQL: each request in its own thread and connection."""

import json
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from payments import status
from payments.models import BankTransaction, StripeEvent, StripePaymentIntent
from tests.bank_feeds import SCHEMES, feed_headers, feed_url
from tests.conftest import stripe_signed
from tests.factories import BUYER, CooperativeFactory, make_product

Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")
StockRecord = get_model("partner", "StockRecord")
SourceType = get_model("payment", "SourceType")

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(calls):
    """Start every call at the same moment, each in its own thread; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def test_fifty_buyers_for_the_last_ten_units_give_ten_orders_and_forty_clean_refusals():
    product = make_product(cooperative=CooperativeFactory(), title="Chè Shan tuyết", price=90000, stock=10)
    buyers = []
    for n in range(50):
        client = Client()
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
        response = client.post(reverse("checkout:index"), {**BUYER, "phone": f"09123450{n:02d}"})
        assert response.status_code == 302, response.content[:500]
        buyers.append(client)

    results = run_together([lambda c=c: c.post(reverse("checkout:preview"), {"action": "place_order"}) for c in buyers])

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    placed = [r for r in results if r.status_code == 302 and r["Location"].startswith("/orders/")]
    refused = [
        r
        for r in results
        if r.status_code == 200 and "Chè Shan tuyết" in r.content.decode() and "hết hàng" in r.content.decode()
    ]
    assert (len(placed), len(refused)) == (10, 40), sorted({r.status_code for r in results})
    assert Order.objects.count() == 10
    record = StockRecord.objects.get(product=product)
    assert (record.num_in_stock, record.num_allocated) == (10, 10)


def test_a_double_clicked_place_order_gives_one_order():
    product = make_product(cooperative=CooperativeFactory(), price=90000, stock=10)
    client = Client()
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    client.post(reverse("checkout:index"), BUYER)
    results = run_together([lambda: client.post(reverse("checkout:preview"), {"action": "place_order"})] * 5)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert Order.objects.count() == 1
    number = Order.objects.get().number
    # Every click ends on the one order page (or, for a click that arrived after, the basket's empty notice is avoided).
    assert all(r.status_code == 302 for r in results)
    assert {r["Location"] for r in results} == {f"/orders/{number}/"}
    assert StockRecord.objects.get(product=product).num_allocated == 1


def _awaiting_order():
    product = make_product(cooperative=CooperativeFactory(), price=90000, stock=10)
    client = Client()
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    client.post(reverse("checkout:index"), BUYER)
    client.post(reverse("checkout:preview"), {"action": "place_order"})
    return Order.objects.get()


def test_the_same_stripe_event_delivered_ten_times_at_once_pays_once():
    order = _awaiting_order()
    # As if placed with the card gateway (not offered without Stripe keys in tests).
    card, _ = SourceType.objects.get_or_create(code="card", defaults={"name": "Thẻ"})
    order.sources.update(source_type=card)
    StripePaymentIntent.objects.create(
        order=order, intent_id="pi_concurrent", client_secret="cs", amount=order.total_incl_tax
    )
    amount = int(order.total_incl_tax)
    body = json.dumps(
        {
            "id": "evt_concurrent",
            "type": "payment_intent.succeeded",
            "created": int(time.time()),
            "data": {
                "object": {
                    "id": "pi_concurrent",
                    "object": "payment_intent",
                    "amount": amount,
                    "amount_received": amount,
                }
            },
        }
    ).encode()
    header = stripe_signed(body)
    results = run_together(
        [
            lambda: Client().post(
                reverse("payments:stripe-webhook"),
                data=body,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=header,
            )
        ]
        * 10
    )
    assert [r.status_code for r in results] == [200] * 10
    assert sum(r.json()["new"] for r in results) == 1
    assert StripeEvent.objects.count() == 1
    assert PaymentEvent.objects.filter(order=order).count() == 1
    order.refresh_from_db()
    assert order.status == status.PAID


def _notification(scheme: str, order) -> bytes:
    amount, memo = int(order.total_incl_tax), f"CK CS{order.number}"
    if scheme == "sepay-hmac":
        payload = {
            "id": 880001,
            "transferAmount": amount,
            "content": memo,
            "transferType": "in",
            "referenceCode": "FT-C",
        }
    elif scheme == "casso-v2":
        payload = {"error": 0, "data": {"id": 880001, "amount": amount, "description": memo, "reference": "FT-C"}}
    else:
        payload = {"id": "FT-concurrent", "amount": amount, "description": memo}
    return json.dumps(payload).encode()


@pytest.mark.parametrize("scheme", ["sepay-hmac", "casso-v2", "generic"])
def test_the_same_bank_transfer_delivered_twenty_times_at_once_is_stored_and_paid_once(scheme):
    order = _awaiting_order()
    body = _notification(scheme, order)
    headers = feed_headers(scheme, body)
    results = run_together(
        [lambda: Client().post(feed_url(SCHEMES[scheme]), data=body, content_type="application/json", headers=headers)]
        * 20
    )
    assert [r.status_code for r in results] == [200] * 20
    assert sum(r.json()["results"][0]["new"] for r in results) == 1
    assert BankTransaction.objects.count() == 1
    assert PaymentEvent.objects.filter(order=order).count() == 1
    order.refresh_from_db()
    assert order.status == status.PAID


def test_rebuilding_the_same_day_from_eight_threads_at_once_leaves_one_row_per_market():
    import datetime

    from django.utils import timezone

    from market.stats.models import AgentDailyOnboarding, MarketDailyFacts
    from market.stats.rollup import market_facts_rebuild
    from tests.factories import UserFactory, vendor_with_qr
    from tests.factories import market as make_market

    markets = [make_market(slug=f"cho-{n}", name=f"Chợ {n}") for n in range(3)]
    agent = UserFactory()
    for n, m in enumerate(markets):
        for k in range(3):
            vendor_with_qr(m, code=f"A{k}", phone=f"0915 00{n} 00{k}", submitted_by=agent)
    today = timezone.localdate()
    results = run_together([lambda: market_facts_rebuild(day=today) for _ in range(8)])
    assert results == [3] * 8, results
    rows = list(MarketDailyFacts.objects.filter(day=today).values_list("market_id", "qr_live", "registered"))
    assert sorted(rows) == sorted((m.pk, 3, 3) for m in markets)
    assert AgentDailyOnboarding.objects.filter(day=today).count() == 3
    assert not MarketDailyFacts.objects.filter(day=today - datetime.timedelta(days=1)).exists()
