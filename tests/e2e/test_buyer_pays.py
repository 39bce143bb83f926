"""The buyer's whole path on a phone-sized Chromium: two cooperatives' products, guest
checkout with a 2025 address, then paying by VietQR (a signed bank webhook), cash on
delivery, or card (localstripe, whose signed webhook reaches the live server)."""

import json
import urllib.request

import pytest
import zxingcpp
from oscar.core.loading import get_model
from PIL import Image

from payments.vietqr import parse_payload
from tests.bank_feeds import SCHEMES, feed_headers, feed_url
from tests.factories import CooperativeFactory, make_product

Order = get_model("order", "Order")

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_products(wagtail_home):
    coffee = make_product(
        cooperative=CooperativeFactory(partner__name="HTX Cà phê Chiềng Mai", shipping_fee=25000),
        title="Cà phê Arabica rang xay",
        price=125000,
        stock=5,
        stars=4,
    )
    noodles = make_product(
        cooperative=CooperativeFactory(partner__name="HTX Miến dong Mường Bú", shipping_fee=30000),
        title="Miến dong Mường Bú",
        price=60000,
        stock=5,
    )
    return coffee, noodles


def buy(phone, base: str, products, *, payment_label: str, artifacts, name: str):
    for product in products:
        phone.goto(f"{base}{product.get_absolute_url()}")
        phone.get_by_role("button", name="Thêm vào giỏ").click()
        phone.wait_for_load_state()
    phone.goto(f"{base}/shop/basket/")
    phone.get_by_role("link", name="Tiến hành đặt hàng").first.click()
    phone.wait_for_url("**/shop/checkout/")
    phone.fill("#id_name", "Lò Thị Mai")
    phone.fill("#id_phone", "0912 345 678")
    # Choosing the province reloads the commune list (the no-JS button is hidden and pressed for us).
    with phone.expect_navigation():
        phone.select_option("#id_province", label="Sơn La")
    phone.select_option("#id_commune", label="Phường Tô Hiệu")
    phone.fill("#id_street", "Số 12, tổ 5")
    phone.get_by_label(payment_label).check()
    phone.screenshot(path=str(artifacts / f"{name}-details.png"), full_page=True)
    phone.get_by_role("button", name="Tiếp tục: xem lại đơn").click()
    phone.wait_for_url("**/shop/checkout/preview/")
    assert "Phường Tô Hiệu, Sơn La" in phone.content()
    phone.get_by_role("button", name="Đặt hàng").click()
    phone.wait_for_url("**/orders/*/")
    phone.screenshot(path=str(artifacts / f"{name}-order.png"), full_page=True)
    return Order.objects.get()


def post_json(url: str, body: bytes, headers: dict):
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **headers})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def bank_notification(scheme: str, *, number: str, amount: int) -> bytes:
    """The transfer as the provider of ``scheme`` reports it."""
    memo = f"LO THI MAI chuyen tien CS{number}"
    if scheme == "casso-v2":
        payload = {
            "error": 0,
            "data": {
                "id": 7013,
                "reference": "FT25329001234",
                "description": memo,
                "amount": amount,
                "runningBalance": 25000000,
                "transactionDateTime": "2026-11-25 10:00:00",
                "accountNumber": "1023456789",
                "bankName": "Vietcombank",
                "bankAbbreviation": "VCB",
            },
        }
    else:
        payload = {
            "id": 501,
            "gateway": "Vietcombank",
            "transactionDate": "2026-11-25 10:00:00",
            "accountNumber": "1023456789",
            "content": memo,
            "transferType": "in",
            "transferAmount": amount,
            "referenceCode": "FT25329001234",
        }
    return json.dumps(payload, ensure_ascii=False).encode()


@pytest.mark.parametrize("scheme", ["casso-v2", "sepay-hmac"])
def test_buyer_pays_by_vietqr_and_sees_paid_after_the_bank_webhook(live_server, phone, artifacts, two_products, scheme):
    order = buy(
        phone, live_server.url, two_products, payment_label="Chuyển khoản VietQR", artifacts=artifacts, name="vietqr"
    )
    assert order.total_incl_tax == 125000 + 60000 + 25000 + 30000
    assert phone.locator("#order-status").inner_text().startswith("Chờ thanh toán")
    assert "240.000 ₫" in phone.locator(".transfer").inner_text()

    # The QR on the screen decodes, with an independent decoder, to the exact amount and memo.
    shot = artifacts / "vietqr-qr.png"
    phone.locator(".qr svg").screenshot(path=str(shot))
    decoded = zxingcpp.read_barcodes(Image.open(shot))
    assert len(decoded) == 1
    payload = parse_payload(decoded[0].text)
    assert (payload.amount, payload.purpose, payload.account, payload.bank_bin) == (
        240000,
        f"CS{order.number}",
        "1023456789",
        "970436",
    )

    body = bank_notification(scheme, number=order.number, amount=240000)
    url = f"{live_server.url}{feed_url(SCHEMES[scheme])}"
    assert post_json(url, body, feed_headers(scheme, body)) == 200
    # The page polls and turns "paid" by itself.
    phone.wait_for_selector("#order-status[data-status=paid]", timeout=15000)
    assert phone.locator("#order-status").inner_text().startswith("Đã thanh toán")
    assert phone.locator(".qr").count() == 0
    phone.screenshot(path=str(artifacts / f"vietqr-paid-{scheme}.png"), full_page=True)


def test_buyer_orders_cash_on_delivery(live_server, phone, artifacts, two_products):
    order = buy(
        phone,
        live_server.url,
        two_products,
        payment_label="Trả tiền mặt khi nhận hàng",
        artifacts=artifacts,
        name="cod",
    )
    assert order.status == "cash-on-delivery"
    assert phone.locator("#order-status").inner_text().startswith("Trả tiền khi nhận hàng")
    assert "240.000 ₫" in phone.locator(".pay-box").inner_text()


def test_buyer_pays_by_card_against_localstripe(live_server, phone, artifacts, two_products, stripe_on, settings):
    import stripe

    # localstripe delivers its signed webhooks to the live server.
    hook = json.dumps(
        {
            "url": f"{live_server.url}/payments/webhooks/stripe/",
            "secret": settings.STRIPE_WEBHOOK_SECRET,
            "events": ["payment_intent.succeeded", "payment_intent.payment_failed"],
        }
    ).encode()
    assert post_json(f"{stripe_on}/_config/webhooks/choso-e2e", hook, {}) == 200

    order = buy(
        phone, live_server.url, two_products, payment_label="Thẻ Visa/Mastercard", artifacts=artifacts, name="card"
    )
    # Stripe.js (localstripe's) loaded on this step and mounted the card form.
    phone.wait_for_selector("#card-element input")
    phone.fill("#card-element input[placeholder=number]", "4242424242424242")
    phone.fill("#card-element input[placeholder=exp_month]", "12")
    phone.fill("#card-element input[placeholder=exp_year]", "30")
    phone.fill("#card-element input[placeholder=cvc]", "123")
    phone.screenshot(path=str(artifacts / "card-step.png"), full_page=True)
    intent = order.stripe_intent
    # localstripe's stand-in Stripe.js cannot confirm a fresh PaymentIntent from the card
    # form, so the card is attached and confirmed through its API, as Stripe.js would.
    client = stripe.StripeClient("sk_test_choso_local", base_addresses={"api": stripe_on}, max_network_retries=0)
    client.v1.payment_intents.update(intent.intent_id, params={"payment_method": "pm_card_visa"})
    confirmed = client.v1.payment_intents.confirm(intent.intent_id)
    assert (confirmed.status, confirmed.amount, confirmed.currency) == ("succeeded", 240000, "vnd")
    phone.wait_for_selector("#order-status[data-status=paid]", timeout=20000)
    order.refresh_from_db()
    assert order.status == "paid"
    phone.screenshot(path=str(artifacts / "card-paid.png"), full_page=True)
