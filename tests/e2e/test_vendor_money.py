"""A vendor on a phone: applies for a stall QR, is approved, sets a password with the code
from the approval slip, and leaves "Nhận tiền" open; a bank notification for the stall's
account shows up on it by itself."""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from merchants.models import Application
from merchants.services import applications_approve
from payments.bank_feeds import sign
from tests.factories import UserFactory, market

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_vendor_applies_then_sees_money_arrive(live_server, phone, artifacts, wagtail_home):
    m = market(name="Chợ Trung tâm Sơn La")
    phone.goto(f"{live_server.url}/stalls/apply/")
    phone.fill("#id_name", "Lò Thị Hoa")
    phone.fill("#id_phone", "0912 345 678")
    phone.select_option("#id_market", label=m.name)
    phone.fill("#id_stall_code", "B12")
    phone.select_option("#id_bank_bin", "970436")
    phone.fill("#id_account_number", "0011001234567")
    phone.fill("#id_holder_name", "Lò Thị Hoa")
    phone.get_by_role("button", name="Gửi hồ sơ").click()
    # Without consent nothing is sent, and the typed data stays in the form.
    assert "Cần bạn đồng ý" in phone.content()
    assert phone.input_value("#id_account_number") == "0011001234567"
    phone.check("#id_consent")
    phone.get_by_role("button", name="Gửi hồ sơ").click()
    phone.wait_for_url("**/stalls/applications/HS*/")
    assert "Đã gửi, chờ duyệt" in phone.content()
    phone.screenshot(path=str(artifacts / "vendor-applied.png"), full_page=True)

    slips, _errors = applications_approve(applications=[Application.objects.get()], reviewer=UserFactory())
    qr, code = slips[0].qr, slips[0].code
    phone.reload()
    assert "Đã cấp mã QR" in phone.content() and "0011001234567" not in phone.content()
    phone.get_by_role("link", name="Đặt mật khẩu").click()
    phone.fill("#id_phone", "0912 345 678")
    phone.fill("#id_code", f"{code[:3]} {code[3:]}")
    phone.fill("#id_password", "rau-sach-2025")
    phone.get_by_role("button", name="Đặt mật khẩu").click()
    phone.wait_for_url("**/stalls/me/")
    phone.screenshot(path=str(artifacts / "vendor-home.png"), full_page=True)
    phone.get_by_role("link", name="Nhận tiền").click()
    phone.wait_for_url(f"**/stalls/qr/{qr.pk}/money/")
    assert phone.locator("#money-amount").inner_text() == "—"

    body = json.dumps(
        {"id": "e2e-1", "account_number": "0011001234567", "amount": 50000, "description": "mua rau"}
    ).encode()
    request = urllib.request.Request(
        f"{live_server.url}/payments/webhooks/bank/generic/",
        data=body,
        headers={"Content-Type": "application/json", "X-Signature": sign(body, "test-bank-webhook-secret")},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read())["results"][0]["outcome"] == "account"
    # Polled by Playwright itself: the page's CSP forbids evaluating strings as script.
    expect(phone.locator("#money-amount")).to_contain_text("50.000", timeout=15000)
    phone.screenshot(path=str(artifacts / "vendor-money.png"), full_page=True)
