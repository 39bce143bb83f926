"""A bank notification that names an order before the order exists (the bank's feed was
quicker than the buyer's connection) is not lost: placing the order matches it."""

import datetime

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from payments.models import BankTransaction
from payments.status import PAID
from tests.bank_feeds import fixture_text, post_feed
from tests.factories import CooperativeFactory, checkout, make_product, order_number_from

pytestmark = pytest.mark.django_db
Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")


def _basket_to_the_preview(client):
    product = make_product(cooperative=CooperativeFactory(shipping_fee=30000), price=120000, stock=5)
    checkout(client, [product], place=False)
    return str(100000 + Basket.objects.get(status="Open").pk)  # Oscar's number for this basket


def test_a_transfer_reported_before_its_order_pays_the_order_when_it_is_placed(client):
    number = _basket_to_the_preview(client)
    body = fixture_text("sepay.json", number=number, amount=150000).encode()
    assert post_feed(client, "sepay-hmac", body).status_code == 200
    early = BankTransaction.objects.get()
    assert (early.outcome, early.order) == (BankTransaction.Outcome.UNMATCHED, None)

    placed = client.post(reverse("checkout:preview"), {"action": "place_order"})
    order = Order.objects.get(number=order_number_from(placed))
    assert order.number == number
    assert order.status == PAID
    early.refresh_from_db()
    assert (early.outcome, early.order) == (BankTransaction.Outcome.MATCHED, order)


def test_a_transfer_older_than_the_window_is_left_for_staff(client, settings):
    number = _basket_to_the_preview(client)
    post_feed(client, "sepay-hmac", fixture_text("sepay.json", number=number, amount=150000).encode())
    BankTransaction.objects.update(
        received_at=BankTransaction.objects.get().received_at
        - datetime.timedelta(hours=settings.BANK_EARLY_MATCH_HOURS, minutes=1)
    )
    order = Order.objects.get(
        number=order_number_from(client.post(reverse("checkout:preview"), {"action": "place_order"}))
    )
    assert order.status != PAID
    assert BankTransaction.objects.get().outcome == BankTransaction.Outcome.UNMATCHED
