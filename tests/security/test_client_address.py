"""One client address for every limit: ``core.ratelimit.client_ip`` and ``NUM_PROXIES``.

X-Forwarded-For is written from the left by the client and appended to on the right by each
proxy; only the proxies' entries can be believed. Rotating a forged first hop used to reset
every per-client limit (the old ``CLIENT_IP_HEADER`` took the first entry).

The vendor reset-code door is limited through the same ``client_ip``; its forged-hop test
comes with its rewrite (one-time code at a new page), which is under way separately.
"""

import uuid

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from core.ratelimit import client_ip
from merchants.models import Merchant
from tests.factories import CooperativeFactory, checkout, make_product, order_number_from

PROXY = "10.0.0.2"  # the reverse proxy: every request reaches Django from it
CLIENT = "203.0.113.7"

# CLIENT_IP_HEADER is what the old code read (and what production set); it is set here so that
# these tests fail against that code as deployed. The new code no longer reads it.
BEHIND_ONE_PROXY = override_settings(NUM_PROXIES=1, CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR")


def request_with(forwarded_for=None, remote=PROXY):
    meta = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **meta)


def forged_first_hop() -> str:
    """A made-up address the client writes at the left of the header, new each time."""
    n = uuid.uuid4().int
    return f"198.51.{n % 250}.{(n >> 8) % 250 + 1}"


# --- the function --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, None, PROXY),
        (0, f"198.51.100.9, {CLIENT}", PROXY),  # no proxy trusted: the header is the client's own
        (1, f"198.51.100.9, {CLIENT}", CLIENT),
        (1, CLIENT, CLIENT),
        (1, f"198.51.100.9,,{CLIENT} ", CLIENT),  # empty entries are the client's writing
        (2, f"198.51.100.9, {CLIENT}, 10.0.0.1", CLIENT),
        (2, f"{CLIENT}, 10.0.0.1", CLIENT),
        # IPv6: the /64 (a phone may take any address in it); IPv4-mapped: the IPv4 address.
        (1, "2001:DB8:0:1::7", "2001:db8:0:1::"),
        (1, "2001:db8:0:1:ffff:ab:cd:9", "2001:db8:0:1::"),
        (1, "198.51.100.9, ::ffff:203.0.113.7", CLIENT),
    ],
)
def test_client_is_the_num_proxies_th_address_from_the_right(settings, proxies, forwarded_for, expected):
    settings.NUM_PROXIES = proxies
    assert client_ip(request_with(forwarded_for)) == expected


@pytest.mark.parametrize(
    ("proxies", "forwarded_for"),
    [
        (1, None),  # reached Django without the proxy
        (1, ""),
        (2, CLIENT),  # shorter than the proxy chain: its leftmost entry may be forged
        (1, " , "),
    ],
)
def test_a_missing_or_too_short_header_falls_back_to_the_peer(settings, proxies, forwarded_for):
    settings.NUM_PROXIES = proxies
    assert client_ip(request_with(forwarded_for)) == PROXY


@pytest.mark.parametrize(
    "last_hop", ["not-an-ip", "203.0.113.7:443", "203.0.113.999", "unknown", "<script>", "203.0.113.7/24"]
)
def test_garbage_in_the_trusted_hop_falls_back_to_the_peer(settings, last_hop):
    settings.NUM_PROXIES = 1
    assert client_ip(request_with(f"{CLIENT}, {last_hop}")) == PROXY


def test_no_setting_of_the_old_header_remains():
    from django.conf import settings

    assert not hasattr(settings, "CLIENT_IP_HEADER")
    assert settings.NUM_PROXIES == 0  # test and dev default: no proxy


# --- over HTTP: rotating the forged first hop no longer resets a limit ---------------------


@pytest.fixture
def order_number(db, client):
    products = [make_product(cooperative=CooperativeFactory(), title="Cà phê Arabica", price=125000, stock=5)]
    return order_number_from(checkout(client, products))


@BEHIND_ONE_PROXY
def test_order_lookup_stays_limited_when_the_first_hop_rotates(order_number):
    from django.test import Client

    browser = Client(REMOTE_ADDR=PROXY)
    lookup = reverse("payments:order-lookup")
    for n in range(10):
        wrong = browser.post(
            lookup,
            {"number": order_number, "phone": f"09876543{n:02d}"},
            HTTP_X_FORWARDED_FOR=f"{forged_first_hop()}, {CLIENT}",
        )
        assert wrong.status_code == 200
    blocked = browser.post(
        lookup,
        {"number": order_number, "phone": "0912 345 678"},  # the right phone
        HTTP_X_FORWARDED_FOR=f"{forged_first_hop()}, {CLIENT}",
    )
    assert blocked.status_code == 429
    assert "quá nhiều lần" in blocked.content.decode()
    # Another client behind the same proxy is not held back by it.
    other = Client(REMOTE_ADDR=PROXY).post(
        lookup, {"number": order_number, "phone": "0912 345 678"}, HTTP_X_FORWARDED_FOR="198.51.100.20"
    )
    assert other.status_code == 302
    assert other["Location"] == reverse("payments:order-detail", kwargs={"number": order_number})


@BEHIND_ONE_PROXY
def test_vendor_login_stays_locked_when_the_first_hop_rotates(db):
    from django.test import Client

    user = get_user_model().objects.create_user(username="+84912345678", password="rau-sach-2025")
    Merchant.objects.create(
        user=user, name="Lò Thị Hoa", phone="+84912345678", consent_version="2025-01", consent_at=timezone.now()
    )
    browser = Client(REMOTE_ADDR=PROXY)
    login = reverse("merchants:vendor-login")
    statuses = [
        browser.post(
            login,
            {"phone": "0912 345 678", "password": f"sai-{n}"},
            HTTP_X_FORWARDED_FOR=f"{forged_first_hop()}, {CLIENT}",
        ).status_code
        for n in range(10)
    ]
    assert statuses == [200] * 9 + [429]
    right = browser.post(
        login,
        {"phone": "0912 345 678", "password": "rau-sach-2025"},
        HTTP_X_FORWARDED_FOR=f"{forged_first_hop()}, {CLIENT}",
    )
    assert right.status_code == 429
    assert "tạm khoá" in right.content.decode()
    assert "_auth_user_id" not in browser.session
    # axes keyed the lock on the address client_ip gives, not on the forged ones.
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == ("+84912345678", CLIENT, 10)
