"""Every login door locks after 10 wrong passwords, per (username, client address), for 15
minutes (django-axes); platform admins can lift it. Staff and organisers can add (or be made
to add) a TOTP code after the password (django-otp).

All over HTTP with Django's test client, each door with the form a browser would post.
"""

import dataclasses
import re
from base64 import b32decode
from io import StringIO
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from merchants.models import Merchant, OrganiserArea
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOME = "203.0.113.7"  # the village's carrier NAT address
ELSEWHERE = "198.51.100.20"
PASSWORD = "dung-mat-khau-2025"
User = get_user_model()


@dataclasses.dataclass(frozen=True)
class Door:
    name: str
    url: str

    def account(self, n: int):
        """A user who may use this door, and what they type as their name."""
        if self.name == "stalls":
            phone = f"+8491234567{n}"
            user = User.objects.create_user(username=phone, password=PASSWORD)
            Merchant.objects.create(
                user=user, name=f"Tiểu thương {n}", phone=phone, consent_version="2025-01", consent_at=timezone.now()
            )
            return user, f"091 234 567{n}", phone
        user = User.objects.create_user(
            username=f"canbo{n}", email=f"canbo{n}@choso.test", password=PASSWORD, is_staff=True, is_superuser=True
        )
        if self.name == "shop":
            return user, user.email, user.username  # counted under the account it reaches
        return user, user.username, user.username

    def post(self, typed: str, password: str, address: str, client=None):
        client = client or Client()
        data = {
            "admin": {"username": typed, "password": password, "next": "/django-admin/"},
            "cms": {"username": typed, "password": password},
            "shop": {"login-username": typed, "login-password": password, "login_submit": "1"},
            "stalls": {"phone": typed, "password": password},
        }[self.name]
        return client.post(self.url, data, REMOTE_ADDR=address)


DOORS = [
    Door("admin", "/django-admin/login/"),
    Door("cms", "/cms/login/"),
    Door("shop", "/shop/accounts/login/"),
    Door("stalls", "/stalls/login/"),
]


def logs_in(door: Door, typed: str, address: str) -> bool:
    client = Client()
    response = door.post(typed, PASSWORD, address, client)
    return response.status_code == 302 and "_auth_user_id" in client.session


def lock(door: Door, typed: str, address: str = HOME) -> list[int]:
    return [door.post(typed, f"sai-{n}", address).status_code for n in range(10)]


@pytest.mark.parametrize("door", DOORS, ids=lambda d: d.name)
def test_ten_wrong_passwords_lock_the_door_even_for_the_right_password(door):
    _user, typed, key = door.account(1)
    assert lock(door, typed) == [200] * 9 + [429]
    client = Client()
    right = door.post(typed, PASSWORD, HOME, client)
    assert right.status_code == 429
    page = right.content.decode()
    assert "Đăng nhập tạm khoá vì nhập sai quá nhiều lần. Hãy chờ 15 phút rồi thử lại" in page
    assert "_auth_user_id" not in client.session
    if door.name == "stalls":  # the vendors' own page, form and all
        assert "Tiểu thương đăng nhập" in page and 'name="phone"' in page
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (key, HOME, 10)


@pytest.mark.parametrize("door", DOORS, ids=lambda d: d.name)
def test_the_lock_holds_one_username_at_one_address_only(door):
    _alice, alice, _key = door.account(1)
    _bob, bob, _key = door.account(2)
    lock(door, alice)
    assert logs_in(door, bob, HOME)  # the neighbour behind the same NAT address
    assert logs_in(door, alice, ELSEWHERE)  # the same person from another network
    assert not logs_in(door, alice, HOME)


@pytest.mark.parametrize("door", DOORS, ids=lambda d: d.name)
def test_a_platform_admin_unlocks_from_django_admin(door):
    _user, typed, key = door.account(1)
    lock(door, typed)
    assert not logs_in(door, typed, HOME)
    admin = Client()
    admin.force_login(User.objects.create_superuser(username="quantri", email="qt@choso.test", password="x-2025-qt"))
    changelist = reverse("admin:axes_accessattempt_changelist")
    listed = admin.get(changelist).content.decode()
    assert "Mở khoá đăng nhập (xoá các lần nhập sai đã chọn)" in listed and key in listed
    attempt = AccessAttempt.objects.get(username=key)
    done = admin.post(changelist, {"action": "unlock", "_selected_action": [attempt.pk]}, follow=True)
    assert "Đã mở khoá 1 lượt đăng nhập." in done.content.decode()
    assert AccessAttempt.objects.count() == 0
    assert logs_in(door, typed, HOME)


def test_axes_reset_username_unlocks_from_the_command_line():
    door = DOORS[0]
    _user, typed, key = door.account(1)
    lock(door, typed)
    call_command("axes_reset_username", key, stdout=StringIO())
    assert AccessAttempt.objects.count() == 0
    assert logs_in(door, typed, HOME)


def test_changing_the_case_of_an_email_does_not_reset_the_count():
    door = DOORS[2]
    _user, email, key = door.account(1)
    typed = [email.upper() if n % 2 else email.capitalize() for n in range(10)]
    assert [door.post(t, "sai", HOME).status_code for t in typed] == [200] * 9 + [429]
    assert not logs_in(door, email, HOME)
    assert list(AccessAttempt.objects.values_list("username", flat=True).distinct()) == [key]


def test_oscar_registration_still_signs_the_new_account_in():
    """Oscar authenticates a new account without a request; the lockout backend lets it pass."""
    client = Client()
    response = client.post(
        "/shop/accounts/login/",
        {
            "registration-email": "moi@choso.test",
            "registration-password1": "mat-khau-moi-2025",
            "registration-password2": "mat-khau-moi-2025",
            "registration_submit": "1",
        },
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == User.objects.get(email="moi@choso.test").pk


# --- two-factor codes --------------------------------------------------------------------

VERIFY = "/tai-khoan/2fa/"
SETUP = "/tai-khoan/2fa/cai-dat/"


def code(key: bytes, offset: int = 0) -> str:
    return f"{totp(key, step=30, t0=0, digits=6, drift=offset):06d}"


def wrong_code(key: bytes) -> str:
    valid = {code(key, offset) for offset in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222") if c not in valid)


def staff_with_device():
    user = UserFactory(is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)
    return user, device


def admin_login(user) -> Client:
    client = Client()
    response = client.post(
        "/django-admin/login/", {"username": user.username, "password": "pass-1234", "next": "/django-admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/django-admin/"
    return client


def test_staff_with_a_device_needs_the_code_before_django_admin_opens():
    user, device = staff_with_device()
    client = admin_login(user)
    sent = client.get("/django-admin/")
    assert sent.status_code == 302 and sent["Location"] == f"{VERIFY}?next=%2Fdjango-admin%2F"
    assert client.get("/cms/").status_code == 302  # every page, not only the admin
    page = client.get(sent["Location"])
    assert page.status_code == 200 and "Nhập mã xác thực" in page.content.decode()
    done = client.post(VERIFY, {"token": code(device.bin_key), "next": "/django-admin/"})
    assert done.status_code == 302 and done["Location"] == "/django-admin/"
    assert client.get("/django-admin/").status_code == 200


def test_a_wrong_code_is_refused_and_the_admin_stays_shut():
    user, device = staff_with_device()
    client = admin_login(user)
    refused = client.post(VERIFY, {"token": wrong_code(device.bin_key), "next": "/django-admin/"})
    assert refused.status_code == 200
    assert "Mã không đúng hoặc đã hết hạn." in refused.content.decode()
    assert client.get("/django-admin/")["Location"] == f"{VERIFY}?next=%2Fdjango-admin%2F"
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_a_used_code_cannot_be_replayed_in_another_session():
    user, device = staff_with_device()
    token = code(device.bin_key)
    first = admin_login(user)
    assert first.post(VERIFY, {"token": token})["Location"] == "/"
    second = admin_login(user)
    assert second.post(VERIFY, {"token": token}).status_code == 200
    assert second.get("/django-admin/").status_code == 302


def test_ten_wrong_codes_lock_the_code_page_for_fifteen_minutes(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own back-off aside, to reach our count
    user, device = staff_with_device()
    client = admin_login(user)
    wrong = wrong_code(device.bin_key)
    assert [client.post(VERIFY, {"token": wrong}).status_code for _ in range(10)] == [200] * 10
    locked = client.post(VERIFY, {"token": code(device.bin_key)})
    assert locked.status_code == 429
    assert "Nhập sai mã quá nhiều lần. Hãy chờ 15 phút rồi thử lại." in locked.content.decode()
    assert client.get("/django-admin/").status_code == 302
    # Counted per user and address: the same user on another network may still try.
    elsewhere = admin_login(user)
    assert elsewhere.post(VERIFY, {"token": code(device.bin_key)}, REMOTE_ADDR=ELSEWHERE).status_code == 302


def test_with_enforcement_staff_without_a_device_are_sent_to_set_one_up(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    user = UserFactory(is_staff=True, is_superuser=True)
    client = admin_login(user)
    sent = client.get("/django-admin/")
    assert sent.status_code == 302 and sent["Location"] == f"{SETUP}?next=%2Fdjango-admin%2F"
    page = client.get(sent["Location"]).content.decode()
    assert "<svg" in page and "Tài khoản cán bộ phải bật mã xác thực hai lớp" in page
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1)
    key = b32decode(secret.replace(" ", ""))
    assert client.post(SETUP, {"token": wrong_code(key), "next": "/django-admin/"}).status_code == 200
    assert not TOTPDevice.objects.filter(user=user).exists()
    done = client.post(SETUP, {"token": code(key), "next": "/django-admin/"})
    assert done.status_code == 302 and done["Location"] == "/django-admin/"
    assert client.get("/django-admin/").status_code == 200
    device = TOTPDevice.objects.get(user=user)
    assert (device.confirmed, device.bin_key) == (True, key)


def test_with_enforcement_organisers_are_sent_to_set_up_too(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    organiser = UserFactory()
    organiser.user_permissions.add(Permission.objects.get(codename="review_application"))
    OrganiserArea.objects.create(user=organiser, province_code=14)
    client = Client()
    client.force_login(organiser)
    sent = client.get(reverse("merchants:review"))
    assert sent.status_code == 302 and sent["Location"] == f"{SETUP}?next=%2Fstalls%2Freview%2F"


def test_a_buyer_is_never_asked_for_a_code(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    client = Client()
    client.force_login(UserFactory())
    assert client.get(reverse("basket:summary")).status_code == 200


def test_without_enforcement_staff_without_a_device_are_not_stopped():
    client = admin_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/django-admin/").status_code == 200


def test_a_password_alone_cannot_move_the_codes_to_another_phone():
    user, device = staff_with_device()
    client = admin_login(user)
    sent = client.get(SETUP)
    assert sent.status_code == 302 and sent["Location"] == f"{VERIFY}?next=%2Ftai-khoan%2F2fa%2Fcai-dat%2F"
    assert client.post(SETUP, {"token": "123456"}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=user)) == [device]


def test_anyone_signed_in_can_turn_codes_on_for_themselves():
    buyer = UserFactory()
    client = Client()
    client.force_login(buyer)
    page = client.get(SETUP).content.decode()
    key = b32decode(re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", ""))
    assert client.post(SETUP, {"token": code(key)})["Location"] == "/"
    assert TOTPDevice.objects.get(user=buyer).confirmed is True
    # From now on a new session of theirs asks for the code.
    later = Client()
    later.force_login(buyer)
    basket = reverse("basket:summary")
    assert later.get(basket)["Location"] == f"{VERIFY}?{urlencode({'next': basket})}"


def test_one_account_has_one_lock_whatever_name_reaches_it():
    # The admin door takes a username or an email; the database matches the email without
    # regard to case, and PostgreSQL's UPPER('ı') is 'I'. Each spelling is the same account.
    door = DOORS[0]
    user, typed, _key = door.account(1)
    for _ in range(10):
        door.post(typed, "sai-mat-khau", HOME)
    for other_spelling in ("canbo1@choso.test", "CANBO1@CHOSO.TEST", "canbo1@choso.test".replace("i", "ı")):
        assert not logs_in(door, other_spelling, HOME), other_spelling
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["canbo1"]


def test_the_shop_door_stores_no_typed_password():
    door = DOORS[2]
    _user, typed, _key = door.account(2)
    door.post(typed, "Mat-Khau-Gan-Dung-2025", HOME)
    [attempt] = AccessAttempt.objects.all()
    assert "Mat-Khau-Gan-Dung-2025" not in attempt.post_data and "login-password=********" in attempt.post_data


def test_two_factor_pages_and_logged_in_pages_are_never_cached(client):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    for url in ("/tai-khoan/2fa/cai-dat/", "/shop/accounts/profile/", "/"):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], (url, response.status_code)


def test_a_login_that_needs_no_code_is_not_asked_again_on_every_page(client, home_page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(UserFactory())
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not [q for q in queries.captured_queries if "otp_totp_totpdevice" in q["sql"]]
