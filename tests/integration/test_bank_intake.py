import json
from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from payments import status
from payments.models import BankTransaction, PaymentAudit
from tests.bank_feeds import awaiting_order, fixture_text, post_feed
from tests.factories import CooperativeFactory, UserFactory, checkout, make_product, order_number_from

Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(client):
    return awaiting_order(client)


def fixture_body(name: str, *, number: str, amount) -> bytes:
    return fixture_text(name, number=number, amount=amount).encode()


@pytest.mark.parametrize(
    "scheme,fixture",
    [
        ("sepay-hmac", "sepay.json"),
        ("sepay-apikey", "sepay.json"),
        ("casso-v2", "casso_v2.json"),
        ("casso-v1", "casso_v1.json"),
    ],
)
def test_signed_transfer_with_exact_amount_marks_the_order_paid(client, order, scheme, fixture):
    body = fixture_body(fixture, number=order.number, amount=order.total_incl_tax)
    response = post_feed(client, scheme, body)
    assert response.status_code == 200, response.content
    assert response.json()["success"] is True
    assert response.json()["results"][0]["outcome"] == "matched"
    order.refresh_from_db()
    assert order.status == status.PAID
    assert order.sources.get().amount_debited == Decimal(150000)
    event = PaymentEvent.objects.get(order=order)
    assert (event.event_type.code, event.amount) == ("paid", Decimal(150000))
    assert BankTransaction.objects.get().order == order


def test_replayed_webhook_changes_nothing(client, order):
    body = fixture_body("sepay.json", number=order.number, amount=order.total_incl_tax)
    post_feed(client, "sepay-hmac", body)
    again = post_feed(client, "sepay-hmac", body)
    assert again.status_code == 200 and again.json()["results"][0]["new"] is False
    assert BankTransaction.objects.count() == 1
    assert PaymentEvent.objects.filter(order=order).count() == 1


def test_webhook_with_bad_signature_writes_nothing(client, order):
    body = fixture_body("sepay.json", number=order.number, amount=order.total_incl_tax)
    assert post_feed(client, "sepay-hmac", body, secret="wrong").status_code == 401
    response = client.post(
        reverse("payments:bank-webhook", kwargs={"provider": "sepay"}), data=body, content_type="application/json"
    )
    assert response.status_code == 401
    assert BankTransaction.objects.count() == 0
    order.refresh_from_db()
    assert order.status == status.AWAITING_PAYMENT


@pytest.mark.parametrize("body", [b"not json", b"{}", b'{"id": 1, "transferAmount": "12.5"}', b"[]"])
def test_malformed_payload_is_a_400_and_writes_nothing(client, body):
    response = post_feed(client, "sepay-hmac", body)
    assert response.status_code == 400
    assert BankTransaction.objects.count() == 0


def test_unknown_provider_is_a_400(client):
    assert post_feed(client, "generic", b'{"id": 1}', provider="momo").status_code == 400


def test_wrong_amount_is_flagged_for_review_and_never_paid(client, order):
    body = fixture_body("sepay.json", number=order.number, amount=order.total_incl_tax - 1000)
    response = post_feed(client, "sepay-hmac", body)
    assert response.json()["results"][0]["outcome"] == "needs-review"
    row = BankTransaction.objects.get()
    assert row.order == order and "149.000 ₫" in row.reason and "150.000 ₫" in row.reason
    order.refresh_from_db()
    assert order.status == status.AWAITING_PAYMENT
    assert not PaymentEvent.objects.exists()


def test_transfer_without_a_known_order_goes_on_the_staff_list(client, order):
    body = json.dumps({"id": "x1", "amount": 50000, "description": "tien hang"}).encode()
    assert post_feed(client, "generic", body).json()["results"][0]["outcome"] == "unmatched"
    body = json.dumps({"id": "x2", "amount": 50000, "description": "CS999999"}).encode()
    assert post_feed(client, "generic", body).json()["results"][0]["outcome"] == "unmatched"
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    html = client.get(reverse("payments:staff-transactions") + "?outcome=unmatched").content.decode()
    assert "tien hang" in html and "Không có đơn số 999999" in html


def test_second_transfer_for_a_paid_order_is_a_review_item_not_a_second_payment(client, order):
    post_feed(client, "sepay-hmac", fixture_body("sepay.json", number=order.number, amount=order.total_incl_tax))
    other = fixture_body("casso_v2.json", number=order.number, amount=order.total_incl_tax)
    assert post_feed(client, "casso-v2", other).json()["results"][0]["outcome"] == "needs-review"
    assert PaymentEvent.objects.filter(order=order).count() == 1


def test_money_out_is_stored_and_ignored(client, order):
    body = json.dumps({"id": "o1", "amount": 150000, "description": f"CS{order.number}", "direction": "out"}).encode()
    assert post_feed(client, "generic", body).json()["results"][0]["outcome"] == "ignored"
    order.refresh_from_db()
    assert order.status == status.AWAITING_PAYMENT


# --- statement import -----------------------------------------------------------------


def test_statement_import_matches_rows_and_reports(client, order):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    csv = (
        "ma_giao_dich,ngay,so_tien,noi_dung,so_tai_khoan\n"
        f"FT1,25/11/2026 09:10,150.000,NGUYEN VAN AN CK CS{order.number},1023456789\n"
        "FT2,2026-11-25 09:12,20000,tien hang,1023456789\n"
    ).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("payments:staff-import"), {"file": SimpleUploadedFile("sao-ke.csv", csv)})
    html = response.content.decode()
    assert response.status_code == 200 and "Đã nhập xong" in html
    order.refresh_from_db()
    assert order.status == status.PAID
    assert sorted(BankTransaction.objects.values_list("provider_txn_id", "outcome")) == [
        ("FT1", "matched"),
        ("FT2", "unmatched"),
    ]
    assert PaymentAudit.objects.filter(action="statement-import", actor=staff).count() == 1
    # Importing the same statement again adds nothing.
    client.post(reverse("payments:staff-import"), {"file": SimpleUploadedFile("sao-ke.csv", csv)})
    assert BankTransaction.objects.count() == 2


def test_statement_with_a_malformed_row_imports_nothing_and_names_the_row(client, order):
    client.force_login(UserFactory(is_staff=True))
    csv = (
        "ma_giao_dich,ngay,so_tien,noi_dung\n"
        f"FT1,25/11/2026,150000,CS{order.number}\n"
        "FT2,hôm qua,20000,abc\n"
        "FT3,25/11/2026,12.5,abc\n"
    ).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    html = client.post(reverse("payments:staff-import"), {"file": SimpleUploadedFile("s.csv", csv)}).content.decode()
    assert "Chưa nhập dòng nào" in html
    assert "Dòng 3" in html and "Dòng 4" in html
    assert BankTransaction.objects.count() == 0
    order.refresh_from_db()
    assert order.status == status.AWAITING_PAYMENT


def test_statement_without_the_required_columns_says_which(client):
    client.force_login(UserFactory(is_staff=True))
    from django.core.files.uploadedfile import SimpleUploadedFile

    html = client.post(
        reverse("payments:staff-import"), {"file": SimpleUploadedFile("s.csv", b"a,b\n1,2\n")}
    ).content.decode()
    assert "Thiếu cột" in html


def test_staff_pages_are_for_staff_only(client, order):
    client.force_login(UserFactory())
    for url in (
        reverse("payments:staff-transactions"),
        reverse("payments:staff-import"),
        reverse("payments:staff-mark-paid", kwargs={"number": order.number}),
    ):
        assert client.get(url).status_code == 302  # to the admin login


# --- manual mark paid -----------------------------------------------------------------


def test_staff_mark_paid_needs_a_note_and_is_audited(client, order):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    url = reverse("payments:staff-mark-paid", kwargs={"number": order.number})
    assert client.post(url, {"note": "  "}).status_code == 200
    order.refresh_from_db()
    assert order.status == status.AWAITING_PAYMENT
    client.post(url, {"note": "Thấy tiền trong app VCB, FT25329"})
    order.refresh_from_db()
    assert order.status == status.PAID
    audit = PaymentAudit.objects.get(order=order)
    assert (audit.actor, audit.action, audit.note) == (staff, "mark-paid", "Thấy tiền trong app VCB, FT25329")
    # Marking a paid order again is refused with a message.
    html = client.post(url, {"note": "again"}).content.decode()
    assert PaymentAudit.objects.filter(order=order).count() == 1
    assert "Đã thanh toán" in html


def test_staff_cancel_releases_stock_is_audited_and_paid_orders_cannot_be_cancelled(client, order):
    StockRecord = get_model("partner", "StockRecord")
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    url = reverse("payments:staff-mark-paid", kwargs={"number": order.number})
    client.post(url, {"note": "Khách gọi điện huỷ", "cancel": "1"})
    order.refresh_from_db()
    assert order.status == status.CANCELLED
    assert StockRecord.objects.get().num_allocated == 0
    assert PaymentAudit.objects.get(order=order).action == "cancel"
    # A transfer arriving later is a review item, not a payment.
    body = fixture_body("sepay.json", number=order.number, amount=order.total_incl_tax)
    assert post_feed(client, "sepay-hmac", body).json()["results"][0]["outcome"] == "needs-review"


def test_oscar_dashboard_offers_no_status_change_that_skips_the_payment_records(client, order):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    html = client.get(reverse("dashboard:order-detail", kwargs={"number": order.number})).content.decode()
    assert 'id="id_new_status"' not in html  # Oscar's order status form has no choices
    menu = client.get(reverse("dashboard:index")).content.decode()
    assert "/payments/staff/import/" in menu and "/payments/staff/transactions/" in menu


@pytest.mark.parametrize("header", ["é", "sha256=" + "é" * 64, "zz" * 32, "a" * 63])
def test_malformed_signature_headers_are_a_401_not_a_500(client, header):
    body = b'{"id": 1, "amount": 1000, "description": "x"}'
    response = client.post(
        reverse("payments:bank-webhook", kwargs={"provider": "generic"}),
        data=body,
        content_type="application/json",
        HTTP_X_SIGNATURE=header,
    )
    assert response.status_code == 401
    assert BankTransaction.objects.count() == 0


@pytest.mark.parametrize(
    "item",
    [
        {"id": "n1", "amount": 10**14, "description": "x"},
        {"id": "n2", "amount": "1e400", "description": "x"},
        {"id": "n3", "amount": True, "description": "x"},
    ],
)
def test_absurd_amounts_are_a_400(client, item):
    assert post_feed(client, "generic", json.dumps(item).encode()).status_code == 400
    assert BankTransaction.objects.count() == 0


def test_nul_characters_in_a_memo_are_dropped_not_a_500(client, order):
    body = json.dumps({"id": "nul", "amount": 150000, "description": f"CS{order.number}\u0000 tien"}).encode()
    assert post_feed(client, "generic", body).json()["results"][0]["outcome"] == "matched"


def test_memo_with_a_phone_number_after_the_reference_still_matches(client, order):
    body = json.dumps({"id": "m1", "amount": 150000, "description": f"CS{order.number} 0912345678 Lan"}).encode()
    assert post_feed(client, "generic", body).json()["results"][0]["outcome"] == "matched"


def test_transfer_for_an_order_placed_with_another_method_is_a_review_item(client):
    product = make_product(cooperative=CooperativeFactory(), price=120000, stock=5)
    cod = Order.objects.get(number=order_number_from(checkout(client, [product], payment_method="cod")))
    body = json.dumps({"id": "c1", "amount": int(cod.total_incl_tax), "description": f"CS{cod.number}"}).encode()
    result = post_feed(client, "generic", body).json()["results"][0]
    assert result["outcome"] == "needs-review"
    cod.refresh_from_db()
    assert cod.status == status.CASH_ON_DELIVERY


def test_paid_order_consumes_its_stock_allocation(client, order):
    StockRecord = get_model("partner", "StockRecord")
    post_feed(client, "sepay-hmac", fixture_body("sepay.json", number=order.number, amount=order.total_incl_tax))
    record = StockRecord.objects.get()
    assert (record.num_in_stock, record.num_allocated) == (4, 0)


def test_statement_amounts_as_banks_export_them():
    from django.core.exceptions import ValidationError

    from payments.services.bank import statement_amount

    assert [
        statement_amount(t) for t in ["150000", "150.000", "1,250,000.00", "1.250.000,00", "-20.000", "(20,000)"]
    ] == [
        150000,
        150000,
        1250000,
        1250000,
        -20000,
        -20000,
    ]
    for bad in ["12.5", "abc", "", "1e5"]:
        with pytest.raises(ValidationError):
            statement_amount(bad)


def test_statement_with_money_out_rows_imports_them_as_ignored(client, order):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(UserFactory(is_staff=True))
    csv = (
        "ma_giao_dich,ngay,so_tien,noi_dung\n"
        'A1,25/11/2026,"-1,250,000.00",tra tien dien\n'
        f"A2,25/11/2026,150.000,CS{order.number}\n"
    )
    html = client.post(
        reverse("payments:staff-import"), {"file": SimpleUploadedFile("s.csv", csv.encode())}
    ).content.decode()
    assert "Đã nhập xong" in html
    assert dict(BankTransaction.objects.values_list("provider_txn_id", "outcome")) == {"A1": "ignored", "A2": "matched"}


def test_cod_order_with_cash_already_collected_cannot_be_cancelled(client):
    coops = [CooperativeFactory(), CooperativeFactory()]
    products = [make_product(cooperative=c, stock=5) for c in coops]
    order = Order.objects.get(number=order_number_from(checkout(client, products, payment_method="cod")))
    clerk = UserFactory()
    coops[0].partner.users.add(clerk)
    from payments.services.orders import order_cash_collect

    order_cash_collect(order=order, cooperative=coops[0], actor=clerk)
    client.force_login(UserFactory(is_staff=True))
    html = client.post(
        reverse("payments:staff-mark-paid", kwargs={"number": order.number}), {"note": "huỷ", "cancel": "1"}
    ).content.decode()
    order.refresh_from_db()
    assert order.status == status.CASH_ON_DELIVERY
    assert "chưa thu tiền phần nào" in html
