import io
import re

import pytest
import zxingcpp
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from merchants.models import Application, IssuedQR, PlacardPrint
from merchants.placards import mask_account, placards_pdf
from merchants.services import application_approve, application_reject, application_submit
from payments.vietqr import parse_payload
from tests.bank_feeds import feed_headers, post_feed
from tests.factories import UserFactory, market, pdf_page_images

pytestmark = pytest.mark.django_db

VENDOR = {
    "name": "Lò Thị Hoa",
    "phone": "0912 345 678",
    "bank_bin": "970436",
    "account_number": "0011001234567",
    "holder_name": "Lò Thị Hoa",
    "consent": True,
}


def submit(stall, **changes):
    return application_submit(stall=stall, **{**VENDOR, **changes})


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("account_number", "0011 0012", "1–19"),
        ("account_number", "12345678901234567890", "1–19"),
        ("bank_bin", "999999", "NAPAS"),
        ("phone", "0212 3850 111", "di động"),
        ("holder_name", "Nguyễn Thị Phương Thảo Nguyên Hạnh", "tối đa 25"),
        ("consent", False, "đồng ý"),
        ("cccd", "12345", "12 chữ số"),
    ],
)
def test_bad_application_input_gets_a_vietnamese_message_per_field(field, value, message):
    stall = market(stalls=1).stalls.get()
    with pytest.raises(ValidationError) as caught:
        submit(stall, **{field: value})
    assert message in " ".join(caught.value.message_dict[field])
    assert Application.objects.count() == 0


def test_a_second_pending_application_for_the_same_stall_is_refused():
    stall = market(stalls=1).stalls.get()
    submit(stall)
    with pytest.raises(ValidationError) as caught:
        submit(stall, phone="0987 654 321")
    assert "đang chờ duyệt" in caught.value.message_dict["stall"][0]


def test_approval_issues_a_static_qr_built_by_the_codec():
    stall = market(stalls=1).stalls.get()
    application = submit(stall)
    assert re.fullmatch(r"HS\d{8}", application.reference)  # random: not the next of another
    assert application.holder_name == "LO THI HOA"
    qr = application_approve(application=application, reviewer=UserFactory())
    parsed = parse_payload(qr.payload)
    assert (parsed.bank_bin, parsed.account, parsed.service_code, parsed.initiation, parsed.amount) == (
        "970436",
        "0011001234567",
        "QRIBFTTA",
        "static",
        None,
    )
    assert parsed.merchant_name == "LO THI HOA"
    application.refresh_from_db()
    assert application.status == Application.Status.QR_ISSUED


def test_card_numbers_get_the_to_card_service_code():
    stall = market(stalls=1).stalls.get()
    qr = application_approve(application=submit(stall, account_number="9704360012345678", is_card=True), reviewer=None)
    assert parse_payload(qr.payload).service_code == "QRIBFTTC"


def test_a_new_account_reissues_the_qr_and_keeps_the_old_one_revoked():
    stall = market(stalls=1).stalls.get()
    first = application_approve(application=submit(stall), reviewer=None)
    # The same phone again, not logged in: flagged, approved once the organiser verified it.
    again = submit(stall, account_number="0022002222")
    assert again.phone_known
    with pytest.raises(ValidationError):
        application_approve(application=again, reviewer=None)
    second = application_approve(application=again, reviewer=None, phone_verified=True)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None
    assert (first.version, second.version) == (1, 2)
    assert list(IssuedQR.objects.filter(stall=stall, revoked_at__isnull=True)) == [second]


def test_rejection_needs_a_reason_the_vendor_can_read():
    stall = market(stalls=1).stalls.get()
    application = submit(stall)
    with pytest.raises(ValidationError):
        application_reject(application=application, reviewer=None, reason=" ")
    application_reject(application=application, reviewer=None, reason="Tên chủ tài khoản không khớp CCCD")
    application.refresh_from_db()
    assert (application.status, application.reject_reason) == ("rejected", "Tên chủ tài khoản không khớp CCCD")


def _approved(count):
    stalls = list(market(stalls=count).stalls.order_by("code"))
    return [
        application_approve(
            application=submit(stall, phone=f"09123450{i:02d}", account_number=f"00110012{i:05d}"), reviewer=None
        )
        for i, stall in enumerate(stalls)
    ]


def test_every_placard_qr_decodes_with_zxing_to_its_stalls_bank_and_account():
    qrs = _approved(5)
    # Decoded from the images inside the PDF itself, as printed.
    pages = pdf_page_images(placards_pdf(qrs, layout="a6"))
    assert len(pages) == 5
    for qr, page in zip(qrs, pages, strict=True):
        assert page.size == (1240, 1748)  # A6 at 300 dpi
        found = zxingcpp.read_barcodes(page)
        assert len(found) == 1
        parsed = parse_payload(found[0].text)
        assert (parsed.bank_bin, parsed.account) == (qr.bank_bin, qr.account_number)
    sheets = pdf_page_images(placards_pdf(qrs, layout="a4x4"))
    assert len(sheets) == 2 and sheets[0].size == (2480, 3508)
    decoded = sorted(parse_payload(r.text).account for sheet in sheets for r in zxingcpp.read_barcodes(sheet))
    assert decoded == sorted(qr.account_number for qr in qrs)


def test_placard_masks_the_account_number():
    assert mask_account("0011001234567") == "•••• 4567"


def test_print_placards_writes_a_pdf_and_says_how_many(tmp_path):
    _approved(3)
    out = tmp_path / "bang.pdf"
    stdout = io.StringIO()
    call_command("print_placards", "--market", "cho-trung-tam", "--out", str(out), stdout=stdout)
    assert stdout.getvalue().strip().splitlines()[-1] == f"3 placards written to {out}"
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 3
    assert PlacardPrint.objects.count() == 3
    assert set(Application.objects.values_list("status", flat=True)) == {"placard-printed"}


def test_print_placards_bad_input_is_a_one_line_error(tmp_path):
    with pytest.raises(CommandError, match="no market"):
        call_command("print_placards", "--market", "khong-co", "--out", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="no stall has an issued QR"):
        call_command("print_placards", "--out", str(tmp_path / "x.pdf"))


def test_placards_pdf_of_nothing_is_refused():
    with pytest.raises(ValueError):
        placards_pdf([])


def test_a_transfer_into_a_stalls_account_is_recorded_for_its_money_received_page(client, settings):
    import json

    from django.urls import reverse

    from merchants.models import StallPayment
    from payments.models import BankTransaction

    qr = _approved(1)[0]
    body = json.dumps(
        {
            "id": 9001,
            "accountNumber": qr.account_number,
            "transferAmount": 50000,
            "content": "mua rau",
            "transferType": "in",
        }
    ).encode()
    response = post_feed(client, "sepay-hmac", body)
    assert response.json()["results"][0]["outcome"] == "account"
    payment = StallPayment.objects.get()
    assert (payment.stall, payment.amount, payment.bank_transaction) == (qr.stall, 50000, BankTransaction.objects.get())
    # The vendor's page, logged in, sees it and the words to speak.
    vendor = UserFactory()
    qr.application.merchant.user = vendor
    qr.application.merchant.save()
    client.force_login(vendor)
    assert "50.000 ₫" in client.get(reverse("merchants:money", kwargs={"pk": qr.pk})).content.decode()
    feed = client.get(reverse("merchants:money-json", kwargs={"pk": qr.pk}) + "?after=0").json()
    assert feed["payments"][0]["speech"] == "Đã nhận 50.000 đồng"
    assert client.get(reverse("merchants:money-json", kwargs={"pk": qr.pk}) + f"?after={payment.pk}").json() == {
        "payments": [],
        "pending_change": "",
    }
    # Someone else's browser cannot watch the stall's money.
    assert type(client)().get(reverse("merchants:money", kwargs={"pk": qr.pk})).status_code == 403


def test_a_transfer_into_a_revoked_qrs_account_is_not_a_stall_payment(client, settings):
    import json

    from django.urls import reverse

    from merchants.models import StallPayment
    from merchants.services import application_approve

    qr = _approved(1)[0]
    application_approve(application=submit(qr.stall, account_number="0099009999"), reviewer=None, phone_verified=True)
    body = json.dumps({"id": "r1", "account_number": qr.account_number, "amount": 20000, "description": "x"}).encode()
    client.post(
        reverse("payments:bank-webhook", kwargs={"provider": "generic"}),
        data=body,
        content_type="application/json",
        headers=feed_headers("generic", body),
    )
    assert StallPayment.objects.count() == 0
