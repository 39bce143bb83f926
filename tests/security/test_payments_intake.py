"""Bank intake under hostile or clumsy input (security audit, issue 10).

* transaction dates outside 2020-01-01 … tomorrow (local time) are refused at intake, by
  the webhook (400, nothing written) and by the statement import (the row is named; the
  file, all or nothing, writes nothing);
* the same transfer reported by a webhook and by a statement import (same bank reference)
  is stored once: one bank transaction, one stall payment, one order payment;
* a memo naming several orders pays none and goes to staff review.

Everything goes over HTTP with Django's test client, signed as the feeds sign.
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from merchants.models import StallPayment
from payments import status
from payments.models import BankTransaction, PaymentAudit
from tests.bank_feeds import post_feed
from tests.factories import (
    CooperativeFactory,
    UserFactory,
    checkout,
    make_product,
    market,
    order_number_from,
    vendor_with_qr,
)

Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bank"
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"

pytestmark = pytest.mark.django_db


def place(client, price=120000):
    product = make_product(cooperative=CooperativeFactory(shipping_fee=30000), price=price, stock=5)
    return Order.objects.get(number=order_number_from(checkout(client, [product])))


@pytest.fixture
def order(client):
    return place(client)


def fixture_payload(name: str, *, number: str = "100000", amount=150000) -> dict:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return json.loads(text.replace("{number}", number).replace("{amount}", str(int(amount))))


def post_signed(client, provider: str, payload) -> object:
    """POST as the provider signs: SePay with HMAC, Casso with webhook v2, ours with X-Signature."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return post_feed(client, {"sepay": "sepay-hmac", "casso": "casso-v2"}.get(provider, provider), body)


def import_statement(client, csv_text: str):
    upload = SimpleUploadedFile("sao-ke.csv", csv_text.encode())
    return client.post(reverse("payments:staff-import"), {"file": upload})


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def nothing_written():
    return (
        BankTransaction.objects.count(),
        StallPayment.objects.count(),
        PaymentEvent.objects.count(),
        PaymentAudit.objects.count(),
    ) == (0, 0, 0, 0)


# --- 1. dates outside the bounds ---------------------------------------------------------


def _sepay_dated(when, number):
    payload = fixture_payload("sepay.json", number=number)
    payload["transactionDate"] = when
    return payload


def _casso_dated(when, number):
    payload = fixture_payload("casso_v2.json", number=number)
    payload["data"]["transactionDateTime"] = when
    return payload


def _generic_dated(when, number):
    return {"id": "g1", "amount": 150000, "description": f"CS{number}", "occurred_at": when}


@pytest.mark.parametrize(
    ("provider", "build"), [("sepay", _sepay_dated), ("casso", _casso_dated), ("generic", _generic_dated)]
)
@pytest.mark.parametrize("when", ["0001-01-01 00:00:00", "0001-01-01", "2019-12-31 23:59:59", "9999-12-31 23:59:59"])
def test_webhook_with_a_date_outside_the_bounds_is_a_400_and_writes_nothing(client, order, provider, build, when):
    response = post_signed(client, provider, build(when, order.number))
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "message": f"bad payload: date {when!r} is outside 2020-01-01 to {tomorrow().isoformat()}",
    }
    assert nothing_written()
    order.refresh_from_db()
    assert order.status == status.AWAITING_PAYMENT


def test_webhook_batch_with_one_bad_date_writes_none_of_it(client, order):
    good = {"id": "b1", "amount": 50000, "description": "tien hang", "occurred_at": "2026-11-25 09:00"}
    bad = {"id": "b2", "amount": 150000, "description": f"CS{order.number}", "occurred_at": "0001-01-01"}
    response = post_signed(client, "generic", [good, bad])
    assert response.status_code == 400
    assert nothing_written()


def test_webhook_dates_on_the_bounds_are_accepted(client):
    first = {"id": "d1", "amount": 50000, "description": "x", "occurred_at": "2020-01-01 00:00:00"}
    last = {"id": "d2", "amount": 50000, "description": "x", "occurred_at": f"{tomorrow().isoformat()} 23:59:59"}
    response = post_signed(client, "generic", [first, last])
    assert response.status_code == 200, response.content
    stored = dict(BankTransaction.objects.values_list("provider_txn_id", "occurred_at"))
    assert {k: timezone.localtime(v).replace(tzinfo=None) for k, v in stored.items()} == {
        "d1": datetime.datetime(2020, 1, 1, 0, 0, 0),
        "d2": datetime.datetime.combine(tomorrow(), datetime.time(23, 59, 59)),
    }
    day_after = (tomorrow() + datetime.timedelta(days=1)).isoformat()
    late = {"id": "d3", "amount": 50000, "description": "x", "occurred_at": f"{day_after} 00:00:00"}
    assert post_signed(client, "generic", late).status_code == 400
    assert BankTransaction.objects.count() == 2


def test_statement_row_dated_year_one_is_named_and_nothing_is_imported(client, order):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    csv = (
        "ma_giao_dich,ngay,so_tien,noi_dung\n"
        f"FT1,25/11/2026 09:10,150.000,CS{order.number}\n"
        "FT2,0001-01-01,20000,tien hang\n"
        "FT3,25/11/2026,30000,tien hang\n"
    )
    response = import_statement(client, csv)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Chưa nhập dòng nào: tệp có lỗi." in html
    last = tomorrow().strftime("%d/%m/%Y")
    assert f"<li>Dòng 3: ngày “0001-01-01” nằm ngoài khoảng cho phép (01/01/2020 – {last}).</li>" in html
    assert "Dòng 2" not in html and "Dòng 4" not in html
    # All or nothing, as for any malformed row: the good rows are not half-imported.
    assert nothing_written()
    order.refresh_from_db()
    assert order.status == status.AWAITING_PAYMENT


def test_staff_transactions_page_answers_200_for_every_filter_after_refused_dates(client, order):
    post_signed(client, "sepay", _sepay_dated("0001-01-01 00:00:00", order.number))
    post_signed(client, "generic", {"id": "ok", "amount": 50000, "description": "tien hang"})
    client.force_login(UserFactory(is_staff=True))
    import_statement(client, "ma_giao_dich,ngay,so_tien,noi_dung\nFT9,0001-01-01,20000,x\n")
    assert list(BankTransaction.objects.values_list("provider_txn_id", "occurred_at")) == [("ok", None)]
    for outcome in ["", *BankTransaction.Outcome.values, "nonsense"]:
        response = client.get(reverse("payments:staff-transactions"), {"outcome": outcome})
        assert response.status_code == 200, outcome
        assert response["Cache-Control"] == NEVER_CACHE


# --- 2. one transfer, two providers ------------------------------------------------------


@pytest.fixture
def stall_account():
    application = vendor_with_qr(market(stalls=1), code="B01", phone="0912 000 111")
    return application.stall.qrs.get(revoked_at__isnull=True).account_number


def _sepay_into(account: str, *, reference: str, amount: int, txn_id: int = 92704) -> dict:
    payload = fixture_payload("sepay.json", amount=amount)
    payload.update(id=txn_id, accountNumber=account, referenceCode=reference, content="LE THI HOA chuyen tien rau")
    return payload


def test_stall_transfer_by_webhook_then_statement_is_one_payment(client, stall_account):
    response = post_signed(client, "sepay", _sepay_into(stall_account, reference="FT25337000111", amount=45000))
    assert response.json()["results"] == [{"id": "92704", "outcome": "account", "new": True}]
    client.force_login(UserFactory(is_staff=True))
    html = import_statement(
        client,
        "ma_giao_dich,ngay,so_tien,noi_dung,so_tai_khoan\n"
        f"FT25337000111,2026-11-25 14:02,45.000,LE THI HOA chuyen tien rau,{stall_account}\n",
    ).content.decode()
    assert "Đã nhập xong." in html and "Đã nhận qua sepay từ trước, bỏ qua" in html
    row = BankTransaction.objects.get()
    assert (row.provider, row.provider_txn_id, row.bank_reference, row.outcome, row.amount) == (
        "sepay",
        "92704",
        "FT25337000111",
        "account",
        Decimal(45000),
    )
    payment = StallPayment.objects.get()
    assert (payment.bank_transaction, payment.amount) == (row, Decimal(45000))


def test_stall_transfer_by_statement_then_webhook_is_recognised_as_the_same(client, stall_account):
    client.force_login(UserFactory(is_staff=True))
    import_statement(
        client,
        "ma_giao_dich,ngay,so_tien,noi_dung,so_tai_khoan\n"
        f"ft25337000111,2026-11-25 14:02,45000,tien rau,{stall_account}\n",
    )
    response = post_signed(client, "sepay", _sepay_into(stall_account, reference="FT25337000111", amount=45000))
    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "received": 1,
        "results": [{"id": "92704", "outcome": "account", "new": False}],
    }
    assert list(BankTransaction.objects.values_list("provider", "provider_txn_id", "bank_reference")) == [
        ("statement", "ft25337000111", "FT25337000111")
    ]
    assert StallPayment.objects.count() == 1


def test_order_paid_by_webhook_is_not_paid_again_by_the_statement_listing_it(client, order):
    payload = fixture_payload("casso_v2.json", number=order.number, amount=order.total_incl_tax)
    assert post_signed(client, "casso", payload).json()["results"][0]["outcome"] == "matched"
    client.force_login(UserFactory(is_staff=True))
    html = import_statement(
        client,
        "ma_giao_dich,ngay,so_tien,noi_dung,so_tai_khoan\n"
        f"FT25329001234,25/11/2026 15:37,150.000,CS {order.number} thanh toan don hang,1023456789\n",
    ).content.decode()
    assert "Đã nhận qua casso từ trước, bỏ qua" in html
    assert list(BankTransaction.objects.values_list("provider", "bank_reference", "outcome", "order")) == [
        ("casso", "FT25329001234", "matched", order.pk)
    ]
    event = PaymentEvent.objects.get()
    assert (event.order, event.amount, event.reference) == (order, Decimal(150000), "casso:7013")
    order.refresh_from_db()
    assert (order.status, order.sources.get().amount_debited) == (status.PAID, Decimal(150000))


def test_order_paid_by_statement_is_not_a_review_item_when_the_webhook_arrives(client, order):
    client.force_login(UserFactory(is_staff=True))
    import_statement(
        client, f"ma_giao_dich,ngay,so_tien,noi_dung\nMBVCB.3278907687,25/11/2026,150000,CS{order.number}\n"
    )
    payload = fixture_payload("sepay.json", number=order.number, amount=order.total_incl_tax)
    result = post_signed(client, "sepay", payload).json()["results"]
    assert result == [{"id": "92704", "outcome": "matched", "new": False}]
    assert BankTransaction.objects.count() == 1
    assert PaymentEvent.objects.filter(order=order).count() == 1


def test_a_different_transfer_under_a_known_reference_is_kept_for_review_and_pays_nothing(client, order):
    other = place(client.__class__())
    first = fixture_payload("casso_v2.json", number=order.number, amount=order.total_incl_tax)
    post_signed(client, "casso", first)
    # Same reference, another amount and another order: not the same money.
    clash = {"id": "g7", "reference": "ft25329001234", "amount": 99000, "description": f"CS{other.number}"}
    response = post_signed(client, "generic", clash)
    assert response.json()["results"] == [{"id": "g7", "outcome": "needs-review", "new": True}]
    row = BankTransaction.objects.get(provider="generic")
    assert (row.bank_reference, row.order, row.reason) == (
        "",
        None,
        "Mã tham chiếu FT25329001234 đã có ở giao dịch casso:7013 với số tiền hoặc tài khoản khác.",
    )
    other.refresh_from_db()
    assert other.status == status.AWAITING_PAYMENT
    assert PaymentEvent.objects.count() == 1
    # Its own replay is still a replay.
    assert post_signed(client, "generic", clash).json()["results"][0]["new"] is False
    assert BankTransaction.objects.count() == 2


def test_the_database_holds_one_row_per_bank_reference():
    BankTransaction.objects.create(provider="a", provider_txn_id="1", bank_reference="FT1", amount=1, outcome="ignored")
    with pytest.raises(IntegrityError), transaction.atomic():
        BankTransaction.objects.create(
            provider="b", provider_txn_id="2", bank_reference="FT1", amount=1, outcome="ignored"
        )
    # Transfers whose bank reference is not known are not deduplicated by it.
    for n in (3, 4):
        BankTransaction.objects.create(provider="b", provider_txn_id=str(n), amount=1, outcome="ignored")
    assert BankTransaction.objects.filter(bank_reference="").count() == 2


# --- 3. a memo naming several orders ---------------------------------------------------


def test_memo_naming_two_orders_pays_neither_and_goes_to_review(client, order):
    other = place(client.__class__())
    memo = f"CS{order.number} va CS{other.number}"
    response = post_signed(client, "generic", {"id": "two", "amount": 150000, "description": memo})
    assert response.json()["results"] == [{"id": "two", "outcome": "needs-review", "new": True}]
    row = BankTransaction.objects.get()
    assert (row.outcome, row.order, row.reason) == (
        "needs-review",
        None,
        f"Nội dung chuyển khoản ghi nhiều mã đơn (CS{order.number}, CS{other.number}); cần kiểm tra.",
    )
    for placed in (order, other):
        placed.refresh_from_db()
        assert placed.status == status.AWAITING_PAYMENT
    assert PaymentEvent.objects.count() == 0
    client.force_login(UserFactory(is_staff=True))
    html = client.get(reverse("payments:staff-transactions"), {"outcome": "needs-review"}).content.decode()
    assert f"CS{order.number}, CS{other.number}" in html


def test_memo_naming_two_orders_in_a_statement_pays_neither(client, order):
    other = place(client.__class__())
    client.force_login(UserFactory(is_staff=True))
    import_statement(
        client, f"ma_giao_dich,ngay,so_tien,noi_dung\nS1,25/11/2026,150000,CS{order.number}+CS{other.number}\n"
    )
    assert list(BankTransaction.objects.values_list("outcome", "order")) == [("needs-review", None)]
    assert PaymentEvent.objects.count() == 0


def test_memo_repeating_one_order_reference_still_pays_it(client, order):
    memo = f"CS{order.number} CS {order.number}"
    response = post_signed(client, "generic", {"id": "rep", "amount": 150000, "description": memo})
    assert response.json()["results"][0]["outcome"] == "matched"
    order.refresh_from_db()
    assert order.status == status.PAID
