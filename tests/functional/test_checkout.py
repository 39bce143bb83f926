from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from payments import status
from tests.factories import BUYER, CooperativeFactory, checkout, make_product, order_number_from

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_coops():
    a = CooperativeFactory(shipping_fee=30000)
    b = CooperativeFactory(shipping_fee=25000)
    return (
        make_product(cooperative=a, title="Cà phê Arabica", price=125000, stock=5),
        make_product(cooperative=b, title="Miến dong", price=60000, stock=5),
    )


def test_guest_checkout_by_vietqr_places_one_order_awaiting_payment(client, two_coops, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = checkout(client, two_coops)
    assert response.status_code == 302
    order = Order.objects.get(number=order_number_from(response))
    assert order.status == status.AWAITING_PAYMENT
    # Two cooperatives: each one's flat fee once.
    assert order.shipping_incl_tax == Decimal(55000)
    assert order.total_incl_tax == Decimal(125000 + 60000 + 55000)
    assert order.guest_email == "lan@example.vn"
    address = order.shipping_address
    assert (address.last_name, address.line1, address.line2, address.state) == (
        "Nguyễn Thị Lan", "Số 5, tổ 3", "Phường Tô Hiệu", "Sơn La"
    )
    assert str(address.phone_number) == "+84912345678"
    assert order.sources.get().source_type.code == "vietqr"
    # Stock is allocated at once.
    assert [sr.num_allocated for sr in StockRecord.objects.order_by("pk")] == [1, 1]
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Chờ thanh toán" in html and "<svg" in html
    assert f"CS{order.number}" in html and "240.000 ₫" in html and "1023456789" in html
    # Buyer and both cooperatives were told, each cooperative about its own line only.
    assert [m.to for m in mail.outbox if m.to == ["lan@example.vn"]] == [["lan@example.vn"]]
