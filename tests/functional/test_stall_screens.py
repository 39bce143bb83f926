import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from merchants.models import Application, IssuedQR, Market
from tests.factories import VENDOR_FORM, UserFactory, market, slip_code, with_perm

pytestmark = pytest.mark.django_db

FORM = VENDOR_FORM


def test_vendor_applies_without_an_account_and_sees_the_reference_and_status(client):
    m = market()
    response = client.post(reverse("merchants:apply"), {**FORM, "market": m.pk})
    application = Application.objects.get()
    assert response["Location"] == reverse("merchants:application-detail", kwargs={"reference": application.reference})
    html = client.get(response["Location"]).content.decode()
    assert application.reference in html and "chờ duyệt" in html
    assert application.stall.code == "B12"
    # The sending session sees the status only: no account, not even masked, and no name.
    assert "0011001234567" not in html and "4567" not in html and "Lò Thị Hoa" not in html
    # Another browser cannot read it.
    assert type(client)().get(response["Location"]).status_code == 404  # as for a reference that does not exist


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent": ""}, "đồng ý"),
        ({"account_number": "12 34"}, "1–19"),
        ({"bank_bin": "111111"}, "lựa chọn hợp lệ|valid choice"),
        ({"phone": "0212 3850 111"}, "di động"),
        ({"holder_name": "Nguyễn Thị Phương Thảo Nguyên Hạnh"}, "tối đa 25"),
        ({"stall_code": "B 12 !"}, "Mã sạp"),
    ],
)
def test_bad_application_input_is_a_form_error_not_a_500(client, changes, message):

    m = market()
    response = client.post(reverse("merchants:apply"), {**FORM, "market": m.pk, **changes})
    assert response.status_code == 200
    assert re.search(message, response.content.decode())
    assert Application.objects.count() == 0


def test_second_pending_application_and_taken_stall_code_are_refused(client):
    m = market()
    client.post(reverse("merchants:apply"), {**FORM, "market": m.pk})
    again = type(client)().post(reverse("merchants:apply"), {**FORM, "market": m.pk, "phone": "0987 654 321"})
    assert "đang chờ duyệt" in again.content.decode()
    organiser = with_perm("review_application")
    client.force_login(organiser)
    client.post(reverse("merchants:review"), {"applications": [Application.objects.get().pk], "action": "approve"})
    taken = type(client)().post(reverse("merchants:apply"), {**FORM, "market": m.pk, "phone": "0987 654 321"})
    assert "đã được cấp mã QR" in taken.content.decode()


def test_public_form_is_limited_per_address_and_phone_not_per_address(client):
    m = market()
    for n in range(5):
        client.post(reverse("merchants:apply"), {**FORM, "market": m.pk, "stall_code": f"C{n}"})
    blocked = client.post(reverse("merchants:apply"), {**FORM, "market": m.pk, "stall_code": "C9"})
    assert blocked.status_code == 429
    # A neighbour behind the same address, with their own phone, is not blocked.
    other = client.post(
        reverse("merchants:apply"), {**FORM, "market": m.pk, "stall_code": "D1", "phone": "0987 654 321"}
    )
    assert other.status_code == 302


def test_field_agent_signs_up_vendors_in_a_row_with_the_market_prefilled(client):
    m = market()
    agent = with_perm("onboard_vendors")
    client.force_login(agent)
    url = reverse("merchants:apply") + f"?market={m.slug}"
    assert f'value="{m.pk}" selected' in client.get(url).content.decode()
    first = client.post(url, {**FORM, "market": m.pk})
    assert first["Location"] == f"{reverse('merchants:apply')}?market={m.slug}"
    client.post(url, {**FORM, "market": m.pk, "stall_code": "B13", "phone": "0987 654 321"})
    assert Application.objects.filter(submitted_by=agent).count() == 2
    # The organiser sees the agent's work counted per camp day.
    from merchants.selectors import onboarding_by_agent

    assert [
        (r["submitted_by__username"], r["n"])
        for r in onboarding_by_agent(markets=Market.objects.all(), market_slug=m.slug)
    ] == [(agent.username, 2)]
    organiser = type(client)()
    organiser.force_login(with_perm("review_application"))
    assert "Hồ sơ do tổ công nghệ số đăng ký hộ" in organiser.get(reverse("merchants:review")).content.decode()


def test_organiser_approves_and_rejects_in_bulk_and_prints_the_market(client, django_capture_on_commit_callbacks):
    m = market()
    for n, phone in enumerate(["0912 000 001", "0912 000 002", "0912 000 003"]):
        type(client)().post(reverse("merchants:apply"), {**FORM, "market": m.pk, "stall_code": f"A{n}", "phone": phone})
    ids = list(Application.objects.order_by("pk").values_list("pk", flat=True))
    client.force_login(with_perm("review_application"))
    assert client.post(reverse("merchants:review"), {"applications": ids[:1], "action": "reject"}).status_code == 400
    client.post(
        reverse("merchants:review"), {"applications": ids[:1], "action": "reject", "reason": "Sai tên chủ tài khoản"}
    )
    client.post(reverse("merchants:review"), {"applications": ids[1:], "action": "approve"})
    assert list(Application.objects.order_by("pk").values_list("status", flat=True)) == [
        "rejected",
        "qr-issued",
        "qr-issued",
    ]
    assert IssuedQR.objects.count() == 2
    # A whole market prints as a Celery task (eager here): progress page, then the file.
    from merchants.models import PlacardBatch

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("merchants:placard-batch-create", kwargs={"slug": m.slug}), {"layout": "a4x4"})
    batch = PlacardBatch.objects.get()
    assert started["Location"] == reverse("merchants:placard-batch", kwargs={"pk": batch.pk})
    assert (batch.status, batch.done, batch.total) == ("ready", 2, 2)
    assert "Tải tệp PDF" in client.get(started["Location"]).content.decode()
    pdf = client.get(reverse("merchants:placard-batch-file", kwargs={"pk": batch.pk}))
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert set(Application.objects.filter(pk__in=ids[1:]).values_list("status", flat=True)) == {"placard-printed"}


def test_review_and_placards_need_the_permission(client):
    m = market()
    client.post(reverse("merchants:apply"), {**FORM, "market": m.pk})
    stranger = type(client)()
    stranger.force_login(UserFactory())
    assert stranger.get(reverse("merchants:review")).status_code == 403
    assert stranger.post(reverse("merchants:placard-batch-create", kwargs={"slug": m.slug})).status_code == 403
    organiser = type(client)()
    organiser.force_login(with_perm("review_application"))
    organiser.post(reverse("merchants:review"), {"applications": [Application.objects.get().pk], "action": "approve"})
    qr = IssuedQR.objects.get()
    assert stranger.post(reverse("merchants:placard", kwargs={"pk": qr.pk})).status_code == 403
    # The session that sent it sees the status, not the placard; the organiser prints it.
    assert client.post(reverse("merchants:placard", kwargs={"pk": qr.pk})).status_code == 403
    assert organiser.post(reverse("merchants:placard", kwargs={"pk": qr.pk}))["Content-Type"] == "application/pdf"


def test_full_account_and_cccd_only_for_the_permission_and_every_view_is_logged(client):
    from merchants.models import PersonalDataAccess

    m = market()
    client.post(reverse("merchants:apply"), {**FORM, "market": m.pk, "cccd": "012345678901"})
    application = Application.objects.get()
    url = reverse("merchants:application-detail", kwargs={"reference": application.reference})
    reviewer = type(client)()
    reviewer.force_login(with_perm("review_application"))
    html = reviewer.get(url).content.decode()
    assert "0011001234567" not in html and "012345678901" not in html and "•••• 8901" in html
    officer = with_perm("review_application")
    officer.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    full = type(client)()
    full.force_login(officer)
    html = full.get(url).content.decode()
    assert "0011001234567" in html and "012345678901" in html
    assert list(PersonalDataAccess.objects.values_list("actor", "action")) == [(officer.pk, "view")]


def test_vendor_sets_a_password_logs_in_with_the_phone_and_changes_the_account(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    m = market()
    client.post(reverse("merchants:apply"), {**FORM, "market": m.pk})
    application = Application.objects.get()
    organiser = with_perm("review_application")
    organiser.email = "bql@cho.vn"
    organiser.save()
    boss = type(client)()
    boss.force_login(organiser)
    slips = boss.post(reverse("merchants:review"), {"applications": [application.pk], "action": "approve"})
    code = slip_code(slips)
    assert slips["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    client.post(reverse("merchants:vendor-password"), {"phone": "0912345678", "code": code, "password": "cho-so-2025!"})
    vendor = type(client)()
    bad = vendor.post(reverse("merchants:vendor-login"), {"phone": "0912 345 678", "password": "sai"})
    assert "không đúng" in bad.content.decode()
    assert vendor.post(reverse("merchants:vendor-login"), {"phone": "+84912345678", "password": "cho-so-2025!"})[
        "Location"
    ] == reverse("merchants:vendor-home")
    home = vendor.get(reverse("merchants:vendor-home")).content.decode()
    assert "v1" in home and "đang dùng" in home
    stall = application.stall
    change = {
        "stall": stall.pk,
        f"s{stall.pk}-bank_bin": "970422",
        f"s{stall.pk}-account_number": "0099887766",
        f"s{stall.pk}-holder_name": "Lò Thị Hoa",
        f"s{stall.pk}-password": "cho-so-2025!",
    }
    bad_change = vendor.post(reverse("merchants:vendor-home"), {**change, f"s{stall.pk}-account_number": "12 34"})
    assert bad_change.status_code == 400 and IssuedQR.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        asked = vendor.post(reverse("merchants:vendor-home"), change, follow=True).content.decode()
    assert "đang chờ ban quản lý chợ duyệt" in asked
    # The QR stays as it is until the organiser approves the change.
    assert IssuedQR.objects.get(stall=stall, revoked_at__isnull=True).version == 1
    assert [m.to for m in mailoutbox] == [["bql@cho.vn"]]
    request = Application.objects.get(kind="account-change")
    boss.post(reverse("merchants:review"), {"applications": [request.pk], "action": "approve"})
    live = IssuedQR.objects.get(stall=stall, revoked_at__isnull=True)
    assert (live.version, live.account_number) == (2, "0099887766")
    assert IssuedQR.objects.get(stall=stall, version=1).revoked_at is not None
    assert "đã thu hồi" in vendor.get(reverse("merchants:vendor-home")).content.decode()
    # Another vendor's login cannot touch this stall.
    other = type(client)()
    other.force_login(UserFactory())
    assert other.get(reverse("merchants:vendor-home")).status_code == 403


def test_vendor_finds_the_application_again_with_reference_and_phone(client):
    m = market()
    client.post(reverse("merchants:apply"), {**FORM, "market": m.pk})
    application = Application.objects.get()
    other = type(client)()
    wrong = other.post(
        reverse("merchants:application-lookup"), {"reference": application.reference, "phone": "0987 654 321"}
    )
    assert "Không tìm thấy hồ sơ" in wrong.content.decode()
    right = other.post(
        reverse("merchants:application-lookup"), {"reference": application.reference.lower(), "phone": "+84912345678"}
    )
    assert right["Location"] == reverse("merchants:application-detail", kwargs={"reference": application.reference})
    assert application.reference in other.get(right["Location"]).content.decode()


def test_a_field_agents_phone_cannot_set_the_vendors_password(client):
    m = market()
    agent = with_perm("onboard_vendors")
    client.force_login(agent)
    client.post(reverse("merchants:apply"), {**FORM, "market": m.pk})
    application = Application.objects.get()
    organiser = type(client)()
    organiser.force_login(with_perm("review_application"))
    organiser.post(reverse("merchants:review"), {"applications": [application.pk], "action": "approve"})
    detail = client.get(reverse("merchants:application-detail", kwargs={"reference": application.reference}))
    assert detail.status_code == 200 and "Mật khẩu mới" not in detail.content.decode()
    # Without the vendor's code the agent's phone sets nothing.
    refused = client.post(
        reverse("merchants:vendor-password"), {"phone": FORM["phone"], "code": "123456", "password": "cua-toi-2025"}
    )
    assert refused.status_code == 200 and "Mã không đúng" in refused.content.decode()
    assert Application.objects.get().merchant.user is None


def test_a_refused_application_leaves_no_empty_stall_behind(client):
    m = market()
    response = client.post(
        reverse("merchants:apply"), {**FORM, "market": m.pk, "stall_code": "C7", "bank_bin": "999999"}
    )
    assert response.status_code == 200 and not m.stalls.exists()


def test_vendor_login_is_limited_per_phone(client):
    # django-axes: the 10th wrong password locks this phone at this address (tests/security).
    for _ in range(9):
        assert (
            client.post(reverse("merchants:vendor-login"), {"phone": FORM["phone"], "password": "sai"}).status_code
            == 200
        )
    response = client.post(reverse("merchants:vendor-login"), {"phone": FORM["phone"], "password": "sai"})
    assert response.status_code == 429 and "quá nhiều lần" in response.content.decode()
