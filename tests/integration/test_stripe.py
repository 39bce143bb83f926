import json
import time
from decimal import Decimal

import pytest
import stripe
from django.urls import reverse
from oscar.apps.payment.exceptions import UnableToTakePayment
from oscar.core.loading import get_model

from payments import status
from payments.gateways import PaymentRequest
from payments.gateways.stripe.gateway import StripeCardGateway
from payments.models import StripeEvent, StripePaymentIntent
from tests.conftest import stripe_signed
from tests.factories import CooperativeFactory, UserFactory, checkout, make_product, order_number_from

Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("amount", [12_999, 100_000_000])
def test_card_amount_outside_stripe_limits_is_refused_with_a_clear_message(amount):
    with pytest.raises(UnableToTakePayment, match="Thanh toán thẻ nhận đơn từ 13.000 ₫ đến 99.999.999 ₫"):
        StripeCardGateway().check(PaymentRequest(order_number="100001", amount=Decimal(amount)))


def test_card_is_offered_only_with_keys(client, settings):
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    product = make_product(cooperative=CooperativeFactory(), stock=3)
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    assert "Thẻ Visa/Mastercard" not in client.get(reverse("checkout:index")).content.decode()
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "sk_test_x", "pk_test_x"
    assert "Thẻ Visa/Mastercard" in client.get(reverse("checkout:index")).content.decode()


def test_card_order_below_the_minimum_stays_in_the_preview_with_the_reason(client, stripe_on):
    cheap = make_product(cooperative=CooperativeFactory(shipping_fee=0), price=5000, stock=3)
    response = checkout(client, [cheap], payment_method="card")
    assert response.status_code == 200
    assert "13.000 ₫" in response.content.decode()
    assert Order.objects.count() == 0


@pytest.fixture
def card_order(client, stripe_on):
    product = make_product(cooperative=CooperativeFactory(shipping_fee=30000), price=120000, stock=5)
    number = order_number_from(checkout(client, [product], payment_method="card"))
    return Order.objects.get(number=number)


def test_card_order_gets_one_payment_intent_in_whole_dong(client, card_order, stripe_on):
    url = reverse("payments:order-detail", kwargs={"number": card_order.number})
    html = client.get(url).content.decode()
    client.get(url)  # a reload reuses the intent
    intent = StripePaymentIntent.objects.get(order=card_order)
    assert f"{stripe_on}/js.stripe.com/v3/" in html and intent.client_secret in html
    remote = stripe.StripeClient("sk_test_choso_local", base_addresses={"api": stripe_on}).v1.payment_intents.retrieve(
        intent.intent_id
    )
    assert (remote.amount, remote.currency) == (150000, "vnd")  # never ×100
    assert remote.metadata["order_number"] == card_order.number


def test_stripe_js_is_only_on_the_card_step(client, card_order, stripe_on):
    for name in ("checkout:index",):
        assert "js.stripe.com" not in client.get(reverse(name)).content.decode()
    assert "js.stripe.com" not in client.get("/shop/catalogue/").content.decode()


def _event(intent_id: str, *, event_id="evt_1", type_="payment_intent.succeeded", amount=150000) -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": type_,
            "created": int(time.time()),
            "data": {
                "object": {
                    "id": intent_id,
                    "object": "payment_intent",
                    "amount": amount,
                    "amount_received": amount,
                    "status": "succeeded",
                }
            },
        }
    ).encode()


def _post(client, body: bytes, header: str):
    return client.post(
        reverse("payments:stripe-webhook"), data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


def test_signed_payment_intent_succeeded_marks_the_order_paid_once(client, card_order):
    client.get(reverse("payments:order-detail", kwargs={"number": card_order.number}))
    intent = StripePaymentIntent.objects.get(order=card_order)
    body = _event(intent.intent_id)
    assert _post(client, body, stripe_signed(body)).json() == {"id": "evt_1", "new": True}
    assert _post(client, body, stripe_signed(body)).json() == {"id": "evt_1", "new": False}
    card_order.refresh_from_db()
    assert card_order.status == status.PAID
    assert PaymentEvent.objects.filter(order=card_order).count() == 1
    # A late failure event never turns a paid order back to unpaid.
    late = _event(intent.intent_id, event_id="evt_2", type_="payment_intent.payment_failed")
    _post(client, late, stripe_signed(late))
    card_order.refresh_from_db()
    assert card_order.status == status.PAID


@pytest.mark.parametrize(
    "header",
    [
        "",
        "t=1,v1=deadbeef",
        "garbage",
    ],
)
def test_stripe_webhook_with_bad_signature_writes_nothing(client, card_order, header):
    body = _event("pi_x")
    assert _post(client, body, header).status_code == 400
    assert StripeEvent.objects.count() == 0


def test_stripe_webhook_older_than_300_seconds_is_refused(client, card_order):
    body = _event("pi_x")
    assert _post(client, body, stripe_signed(body, timestamp=int(time.time()) - 301)).status_code == 400
    assert _post(client, body, stripe_signed(body, secret="whsec_other")).status_code == 400
    assert StripeEvent.objects.count() == 0


def test_an_expired_card_order_cancels_its_payment_intent(
    client, card_order, stripe_on, settings, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from payments.services.orders import orders_expire_unpaid

    client.get(reverse("payments:order-detail", kwargs={"number": card_order.number}))
    intent = StripePaymentIntent.objects.get(order=card_order)
    with django_capture_on_commit_callbacks(execute=True):
        orders_expire_unpaid(now=timezone.now() + settings.PAYMENT_EXPIRY + datetime.timedelta(minutes=1))
    remote = stripe.StripeClient("sk_test_choso_local", base_addresses={"api": stripe_on}).v1.payment_intents.retrieve(
        intent.intent_id
    )
    assert remote.status == "canceled"


def test_card_success_for_an_expired_order_is_kept_for_review_not_lost(client, card_order, settings):
    import datetime

    from django.utils import timezone

    from payments.services.orders import orders_expire_unpaid

    client.get(reverse("payments:order-detail", kwargs={"number": card_order.number}))
    intent = StripePaymentIntent.objects.get(order=card_order)
    orders_expire_unpaid(now=timezone.now() + settings.PAYMENT_EXPIRY + datetime.timedelta(minutes=1))
    body = _event(intent.intent_id, event_id="evt_late")
    _post(client, body, stripe_signed(body))
    event = StripeEvent.objects.get(event_id="evt_late")
    assert event.needs_review and "hết hạn" in event.reason
    card_order.refresh_from_db()
    assert card_order.status == status.EXPIRED
    client.force_login(UserFactory(is_staff=True))
    assert "Thanh toán thẻ chưa áp vào đơn" in client.get(reverse("payments:staff-transactions")).content.decode()


def test_card_is_not_offered_without_the_webhook_secret(client, stripe_on, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    product = make_product(cooperative=CooperativeFactory(), stock=3)
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    assert "Thẻ Visa/Mastercard" not in client.get(reverse("checkout:index")).content.decode()
