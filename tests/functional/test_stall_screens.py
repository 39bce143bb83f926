import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from merchants.models import Application, IssuedQR, Market, OrganiserArea
from tests.factories import VENDOR_FORM, UserFactory, market

pytestmark = pytest.mark.django_db

FORM = VENDOR_FORM


def slip_code(response) -> str:
    """The one-time code on the approval slip the organiser is shown once."""
    assert response.status_code == 200, response.status_code
    return "".join(re.search(r'class="slip-code">(\d{3}) (\d{3})<', response.content.decode()).groups())


def with_perm(codename, *, province_code=14, commune_code=None):
    """A user with the permission; organisers also get their area (the demo province)."""
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename=codename))
    if codename == "review_application":
        OrganiserArea.objects.create(user=user, province_code=province_code, commune_code=commune_code)
    return user


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
    import re

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


def _other_commune(province_code=14, not_code=3646) -> int:
    from core import geo

    return next(code for code, _name in geo.commune_choices(province_code) if code != not_code)


def test_organisers_see_and_review_only_their_own_area(client):
    here = market()
    elsewhere = Market.objects.create(
        slug="cho-ha-noi", name="Chợ Hà Nội", province_code=1, commune_code=4, declared_stalls=10
    )
    other_commune = Market.objects.create(
        slug="cho-xa-ben", name="Chợ xã bên", province_code=14, commune_code=_other_commune(), declared_stalls=10
    )
    for n, m in enumerate([here, elsewhere, other_commune]):
        type(client)().post(reverse("merchants:apply"), {**FORM, "market": m.pk, "phone": f"0912 000 10{n}"})
    commune_official = with_perm("review_application", commune_code=3646)
    client.force_login(commune_official)
    html = client.get(reverse("merchants:review")).content.decode()
    assert "Chợ Trung tâm Sơn La" in html and "Chợ Hà Nội" not in html and "Chợ xã bên" not in html
    foreign = Application.objects.filter(stall__market__in=[elsewhere, other_commune])
    # Approving another area's applications by id is refused, and nothing changes.
    response = client.post(reverse("merchants:review"), {"applications": [a.pk for a in foreign], "action": "approve"})
    assert response.status_code == 400 and not IssuedQR.objects.exists()
    detail = reverse("merchants:application-detail", kwargs={"reference": foreign.first().reference})
    assert client.get(detail).status_code == 404
    assert client.post(reverse("merchants:placard-batch-create", kwargs={"slug": "cho-ha-noi"})).status_code == 404
    # A province official sees both communes of the province, still not Hà Nội.
    province_official = type(client)()
    province_official.force_login(with_perm("review_application"))
    html = province_official.get(reverse("merchants:review")).content.decode()
    assert "Chợ xã bên" in html and "Chợ Trung tâm Sơn La" in html and "Chợ Hà Nội" not in html
    # An organiser with no area assigned sees nothing, and is told why.
    unassigned = type(client)()
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="review_application"))
    unassigned.force_login(user)
    html = unassigned.get(reverse("merchants:review")).content.decode()
    assert "chưa được gán địa bàn" in html and "Chợ Trung tâm" not in html.split("</h1>", 1)[1]


def organiser_who_manages_markets(**area):
    user = with_perm("review_application", **area)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_market", "change_market"]))
    return user


def test_organiser_adds_and_edits_a_market_of_their_area_without_js(client):
    client.force_login(organiser_who_manages_markets(commune_code=3646))
    add = reverse("merchants:market-add")
    form = client.get(add).content.decode()
    assert 'value="3646"' in form  # the commune official's one commune is offered
    # Another commune, or another province, is refused with a Vietnamese error; nothing is written.
    bad = {
        "name": "Chợ Mới",
        "kind": "market",
        "province_code": 14,
        "commune_code": _other_commune(),
        "declared_stalls": 40,
    }
    response = client.post(add, bad)
    assert response.status_code == 200 and Market.objects.count() == 0
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    response = client.post(add, {**bad, "province_code": 1, "commune_code": 4})
    assert Market.objects.count() == 0 and response.status_code == 200
    response = client.post(add, {**bad, "commune_code": 3646, "declared_stalls": 0})
    assert Market.objects.count() == 0 and "errorlist" in response.content.decode()
    # The real thing: a slug is made from the Vietnamese name.
    response = client.post(add, {**bad, "commune_code": 3646})
    assert response["Location"] == reverse("merchants:markets")
    created = Market.objects.get()
    assert (created.slug, created.commune_code, created.declared_stalls) == ("cho-moi", 3646, 40)
    listing = client.get(reverse("merchants:markets")).content.decode()
    assert "Chợ Mới" in listing
    edit = reverse("merchants:market-edit", kwargs={"slug": "cho-moi"})
    client.post(edit, {**bad, "commune_code": 3646, "name": "Chợ Mới Sơn La", "kind": "street"})
    created.refresh_from_db()
    assert (created.name, created.kind, created.slug) == ("Chợ Mới Sơn La", "street", "cho-moi")
    # Editing another province's market: not found.
    Market.objects.create(slug="cho-ha-noi", name="Chợ Hà Nội", province_code=1, commune_code=4, declared_stalls=9)
    assert client.get(reverse("merchants:market-edit", kwargs={"slug": "cho-ha-noi"})).status_code == 404


def test_province_organiser_reloads_the_commune_list_without_js(client):
    client.force_login(organiser_who_manages_markets())
    response = client.post(
        reverse("merchants:market-add"), {"name": "Chợ X", "province_code": 14, "update_communes": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "errorlist" not in html
    assert f'value="{_other_commune()}"' in html and Market.objects.count() == 0
    # Vendors and field agents cannot manage markets.
    agent = type(client)()
    agent.force_login(with_perm("onboard_vendors"))
    assert agent.get(reverse("merchants:market-add")).status_code == 403


def test_organiser_clears_a_forgotten_password_and_the_vendor_sets_a_new_one(client):
    m = market()
    client.post(reverse("merchants:apply"), {**FORM, "market": m.pk})
    application = Application.objects.get()
    organiser = type(client)()
    organiser.force_login(with_perm("review_application"))
    code = slip_code(
        organiser.post(reverse("merchants:review"), {"applications": [application.pk], "action": "approve"})
    )
    detail = reverse("merchants:application-detail", kwargs={"reference": application.reference})
    set_password = reverse("merchants:vendor-password")
    client.post(set_password, {"phone": FORM["phone"], "code": code, "password": "rau-sach-2025"})
    login = {"phone": FORM["phone"], "password": "rau-sach-2025"}
    assert type(client)().post(reverse("merchants:vendor-login"), login).status_code == 302
    # Forgotten: the organiser clears it and gets a one-time code; the old password stops working.
    assert "Cấp mã đặt mật khẩu mới" in organiser.get(detail).content.decode()
    reset = reverse("merchants:vendor-password-reset", kwargs={"reference": application.reference})
    # Without ticking the confirmation nothing happens.
    assert "Hãy đánh dấu ô xác nhận" in organiser.post(reset, follow=True).content.decode()
    assert type(client)().post(reverse("merchants:vendor-login"), login).status_code == 302
    code = slip_code(organiser.post(reset, {"confirm": "yes"}))
    assert type(client)().post(reverse("merchants:vendor-login"), login).status_code == 200
    # On a new phone: without the code, or with a wrong one, no password is set (whoever else
    # holds the reference and the phone number cannot take over).
    phone = type(client)()
    wrong = "000000" if code != "000000" else "111111"
    for attempt in ({"code": ""}, {"code": wrong}):
        response = phone.post(set_password, {"phone": FORM["phone"], "password": "ke-gian-2025", **attempt})
        assert "Mã không đúng" in response.content.decode() or "bắt buộc" in response.content.decode()
        assert (
            type(client)().post(reverse("merchants:vendor-login"), {**login, "password": "ke-gian-2025"}).status_code
            == 200
        )
    phone.post(
        set_password, {"phone": FORM["phone"], "password": "mat-khau-moi-7", "code": f"{code[:3]} {code[3:]}"}
    )  # typed with a space
    new_login = {**login, "password": "mat-khau-moi-7"}
    assert type(client)().post(reverse("merchants:vendor-login"), new_login).status_code == 302
    # The code is used up.
    from merchants.models import Merchant

    assert Merchant.objects.get().password_code_hash == ""
    # Vendors, field agents and another province's organiser cannot clear anyone's password.
    assert phone.post(reset, {"confirm": "yes"}).status_code == 403  # logged in as the vendor now
    agent = type(client)()
    agent.force_login(with_perm("onboard_vendors"))
    assert agent.post(reset, {"confirm": "yes"}).status_code == 403
    hanoi = type(client)()
    hanoi.force_login(with_perm("review_application", province_code=1))
    assert hanoi.post(reset, {"confirm": "yes"}).status_code == 404
    assert type(client)().post(reverse("merchants:vendor-login"), new_login).status_code == 302


def test_declared_stalls_cannot_go_below_the_stalls_with_a_qr(client):
    from tests.factories import vendor_with_qr

    m = market(declared=10)
    for k in range(4):
        vendor_with_qr(m, code=f"Q{k}", phone=f"0916 000 00{k}")
    client.force_login(organiser_who_manages_markets())
    edit = reverse("merchants:market-edit", kwargs={"slug": m.slug})
    form = {"name": m.name, "kind": "market", "province_code": 14, "commune_code": 3646}
    response = client.post(edit, {**form, "declared_stalls": 3})
    assert response.status_code == 200 and "Chợ đã có 4 sạp được cấp mã QR" in response.content.decode()
    assert Market.objects.get(pk=m.pk).declared_stalls == 10
    assert client.post(edit, {**form, "declared_stalls": 4}).status_code == 302


def test_bulk_review_names_what_it_did_and_asks_for_a_choice(client):
    m = market()
    client.post(reverse("merchants:apply"), {**FORM, "market": m.pk})
    organiser = type(client)()
    organiser.force_login(with_perm("review_application"))
    empty = organiser.post(reverse("merchants:review"), {"action": "approve"})
    assert empty.status_code == 400 and "Hãy chọn ít nhất một hồ sơ trong bảng." in empty.content.decode()
    application = Application.objects.get()
    done = organiser.post(
        reverse("merchants:review"), {"applications": [application.pk], "action": "approve"}, follow=True
    )
    assert f"Đã duyệt và cấp mã QR: {application.reference}." in done.content.decode()


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
