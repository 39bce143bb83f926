"""Organisers' screens: their area only, markets added and edited without JS, a forgotten
password cleared, declared stalls, and what bulk review says it did."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from merchants.models import Application, IssuedQR, Market
from tests.factories import VENDOR_FORM, UserFactory, market, slip_code, with_perm

pytestmark = pytest.mark.django_db

FORM = VENDOR_FORM


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
