"""A logged-in vendor's doors: the payout-account change (password again, review, the old
QR stays live until approval), placards, the money page, caching, and limits behind a proxy."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from core import sms
from merchants.models import Application, IssuedQR, Merchant, MerchantEvent, OrganiserArea, PlacardPrint
from tests.factories import UserFactory, market, vendor_with_qr

from .vendors import NO_STORE, VICTIM_PHONE, from_address, organiser

pytestmark = pytest.mark.django_db


def change_form(stall, **changes):
    p = f"s{stall.pk}-"
    data = {
        "stall": stall.pk,
        p + "bank_bin": "970422",
        p + "account_number": "6666666666",
        p + "holder_name": "Lo Thi Hoa",
        p + "password": "rau-sach-2025",
    }
    data.update({p + k: v for k, v in changes.items()})
    return data


def test_an_account_change_needs_the_password_again(client, logged_in_vendor):
    stall = logged_in_vendor.stall
    response = client.post(reverse("merchants:vendor-home"), change_form(stall, password="doan-bua"))
    assert response.status_code == 400 and "Mật khẩu không đúng." in response.content.decode()
    assert not Application.objects.filter(kind="account-change").exists()
    assert list(
        MerchantEvent.objects.filter(action="account-change-password-failed").values_list("client_ip", flat=True)
    ) == ["127.0.0.1"]
    # Five wrong passwords, then no more tries this hour, whatever comes next.
    for n in range(4):
        client.post(
            reverse("merchants:vendor-home"), change_form(stall, password=f"sai-{n}"), **from_address(client, n)
        )
    blocked = client.post(reverse("merchants:vendor-home"), change_form(stall))
    assert blocked.status_code == 429 and not Application.objects.filter(kind="account-change").exists()


def test_an_account_change_goes_to_review_and_the_old_qr_stays_live(
    client, settings, logged_in_vendor, django_capture_on_commit_callbacks, mailoutbox
):
    settings.SMS_BACKEND = "core.sms.LocmemBackend"
    area_boss, elsewhere = organiser(), UserFactory(email="hanoi@cho.vn")
    area_boss.email = "sonla@cho.vn"
    area_boss.save()
    elsewhere.user_permissions.add(Permission.objects.get(codename="review_application"))
    OrganiserArea.objects.create(user=elsewhere, province_code=1)
    stall = logged_in_vendor.stall
    live = IssuedQR.objects.get(stall=stall, revoked_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("merchants:vendor-home"), change_form(stall))["Location"] == reverse(
            "merchants:vendor-home"
        )
    request = Application.objects.get(kind="account-change")
    assert request.status == "submitted"
    assert list(IssuedQR.objects.filter(stall=stall, revoked_at=None)) == [live]
    # The vendor's phone is told, and so is the money page.
    assert [m.to for m in sms.outbox] == ["+84900000002"] and "6666" in sms.outbox[0].text
    # The area's organisers are emailed; another province's are not.
    [email] = mailoutbox
    assert "sonla@cho.vn" in email.to and "hanoi@cho.vn" not in email.to
    money = client.get(reverse("merchants:money", kwargs={"pk": live.pk})).content.decode()
    assert "Có yêu cầu đổi tài khoản nhận tiền" in money
    # The page left open learns of it too, on its next poll.
    feed = client.get(reverse("merchants:money-json", kwargs={"pk": live.pk})).json()
    assert feed["pending_change"].startswith("Có yêu cầu đổi tài khoản nhận tiền của sạp này sang •••• 6666")
    # A second request while one waits is refused.
    again = client.post(reverse("merchants:vendor-home"), change_form(stall, account_number="7777777777"))
    assert again.status_code == 400 and Application.objects.filter(kind="account-change").count() == 1
    boss = type(client)()
    boss.force_login(organiser())
    with django_capture_on_commit_callbacks(execute=True):
        boss.post(reverse("merchants:review"), {"applications": [request.pk], "action": "approve"})
    new = IssuedQR.objects.get(stall=stall, revoked_at=None)
    assert (new.account_number, new.version) == ("6666666666", 2)
    actions = list(
        MerchantEvent.objects.filter(merchant=logged_in_vendor.merchant).order_by("pk").values_list("action", flat=True)
    )
    assert actions == [
        "application-submitted",
        "application-approved",
        "code-issued",
        "notice-sent",  # the code: SMS was off then, logged as such
        "password-set",
        "account-change-requested",
        "notice-sent",
        "account-change-approved",
        "notice-sent",
    ]


def test_a_placard_download_is_a_post_and_a_get_changes_nothing(client, victim):
    qr = IssuedQR.objects.get(stall=victim.stall)
    client.force_login(victim.submitted_by)
    assert client.get(reverse("merchants:placard", kwargs={"pk": qr.pk})).status_code == 405
    assert PlacardPrint.objects.count() == 0 and Application.objects.get().status == "qr-issued"
    response = client.post(reverse("merchants:placard", kwargs={"pk": qr.pk}))
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == NO_STORE
    assert PlacardPrint.objects.count() == 1 and Application.objects.get().status == "placard-printed"


def test_pages_with_personal_data_are_never_cached(client, logged_in_vendor):
    qr = IssuedQR.objects.get(stall=logged_in_vendor.stall)
    for url in (
        reverse("merchants:vendor-home"),
        reverse("merchants:money", kwargs={"pk": qr.pk}),
        reverse("merchants:money-json", kwargs={"pk": qr.pk}),
        reverse("merchants:application-detail", kwargs={"reference": logged_in_vendor.reference}),
    ):
        response = client.get(url)
        assert (url, response.status_code, response["Cache-Control"]) == (url, 200, NO_STORE)
    boss = type(client)()
    boss.force_login(organiser())
    assert boss.get(reverse("merchants:review"))["Cache-Control"] == NO_STORE


def test_reset_codes_behind_one_proxy_with_a_forged_first_hop_still_die_after_five(client, victim, settings):
    from merchants.services import merchant_password_code_issue

    settings.NUM_PROXIES = 1
    code, _expires = merchant_password_code_issue(merchant=victim.merchant, actor=organiser(), reason="reset")
    set_password = reverse("merchants:vendor-password")
    guesses = [c for c in (f"{n:06d}" for n in range(7)) if c != code][:6]
    for n, guess in enumerate(guesses):
        client.post(
            set_password,
            {"phone": VICTIM_PHONE, "code": guess, "password": "ke-gian-2025"},
            REMOTE_ADDR="10.0.0.2",  # the proxy
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 192.0.2.7",  # a new forged hop each time
        )
    late = client.post(set_password, {"phone": VICTIM_PHONE, "code": code, "password": "ke-gian-2025"})
    assert "Mã không đúng hoặc đã hết hạn" in late.content.decode()
    assert Merchant.objects.get().user is None
    # Every failure was logged against the address the proxy saw, not the forged one.
    ips = set(MerchantEvent.objects.filter(action="code-failed").values_list("client_ip", flat=True))
    assert ips == {"192.0.2.7"}


def test_another_vendor_or_the_agent_cannot_reach_a_vendors_money_or_account(client, logged_in_vendor):
    qr = IssuedQR.objects.get(stall=logged_in_vendor.stall)
    agent = type(client)()
    agent.force_login(logged_in_vendor.submitted_by)
    assert agent.get(reverse("merchants:money", kwargs={"pk": qr.pk})).status_code == 403
    assert agent.get(reverse("merchants:money-json", kwargs={"pk": qr.pk})).status_code == 403
    other_vendor = vendor_with_qr(market(), code="C1", phone="0911 111 111")
    rival = UserFactory()
    rival.set_password("doi-thu-2025")
    rival.save()
    Merchant.objects.filter(pk=other_vendor.merchant_id).update(user=rival)
    intruder = type(client)()
    intruder.force_login(rival)
    assert intruder.get(reverse("merchants:money", kwargs={"pk": qr.pk})).status_code == 403
    stolen = change_form(logged_in_vendor.stall, password="doi-thu-2025")
    assert intruder.post(reverse("merchants:vendor-home"), stolen).status_code == 404
    assert intruder.post(reverse("merchants:vendor-home"), {**stolen, "stall": "abc"}).status_code == 404
    assert not Application.objects.filter(kind="account-change").exists()


def test_a_burst_of_lookups_at_once_gets_no_more_than_the_limit():
    import threading

    from core.ratelimit import attempt_take

    results, start = [], threading.Barrier(20)

    def knock():
        start.wait()
        results.append(attempt_take("burst-test:HS12345678", 10))

    threads = [threading.Thread(target=knock) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 10 + [True] * 10


def test_a_vendor_withdraws_their_own_pending_change_and_no_one_else_can(client, logged_in_vendor):
    stall = logged_in_vendor.stall
    client.post(reverse("merchants:vendor-home"), change_form(stall))
    request = Application.objects.get(kind="account-change")
    # Another vendor, logged in, cannot withdraw it (nor learn it exists).
    rival = UserFactory()
    Merchant.objects.filter(pk=vendor_with_qr(market(), code="C1", phone="0911 111 111").merchant_id).update(user=rival)
    intruder = type(client)()
    intruder.force_login(rival)
    refused = intruder.post(reverse("merchants:vendor-home"), {"cancel_change": request.pk}, follow=True)
    assert "Không còn yêu cầu nào đang chờ để huỷ." in refused.content.decode()
    assert client.post(reverse("merchants:vendor-home"), {"cancel_change": "abc"}).status_code == 302
    request.refresh_from_db()
    assert request.status == "submitted"
    done = client.post(reverse("merchants:vendor-home"), {"cancel_change": request.pk}, follow=True).content.decode()
    assert f"Đã huỷ yêu cầu {request.reference}" in done
    request.refresh_from_db()
    assert (request.status, request.reject_reason) == ("rejected", "Tiểu thương đã tự huỷ yêu cầu.")
    live = IssuedQR.objects.get(stall=stall, revoked_at=None)
    assert live.application_id == logged_in_vendor.pk  # the old account still receives
    assert MerchantEvent.objects.filter(action="account-change-rejected", detail="cancelled-by-vendor").count() == 1
