"""The bank-feed webhooks as an attacker meets them: forged, stale, altered, replayed, or sent
from an address off the allowlist. Nothing of theirs pays an order or reaches a stored row."""

import json

import pytest
from django.core.checks import run_checks
from django.urls import reverse
from oscar.core.loading import get_model

from payments import status
from payments.models import BankFeedStatus, BankTransaction
from tests.bank_feeds import SCHEMES, awaiting_order, feed_headers, feed_url, fixture_text, post_feed

Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")
FIXTURE_OF = {
    "sepay-hmac": "sepay.json",
    "sepay-apikey": "sepay.json",
    "casso-v2": "casso_v2.json",
    "casso-v1": "casso_v1.json",
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(client):
    return awaiting_order(client)


def body_for(scheme: str, order) -> bytes:
    if scheme == "generic":
        return json.dumps(
            {"id": "g-1", "amount": int(order.total_incl_tax), "description": f"CS{order.number}"}
        ).encode()
    return fixture_text(FIXTURE_OF[scheme], number=order.number, amount=order.total_incl_tax).encode()


def unpaid(order) -> bool:
    order.refresh_from_db()
    return order.status == status.AWAITING_PAYMENT and not BankTransaction.objects.exists()


ALL_SCHEMES = list(SCHEMES)


@pytest.mark.parametrize("scheme", ALL_SCHEMES)
def test_a_wrong_key_pays_nothing_and_is_a_401(client, order, scheme):
    response = post_feed(client, scheme, body_for(scheme, order), secret="not-the-key")
    assert response.status_code == 401
    assert response.json() == {"success": False, "message": "unauthorized"}
    assert unpaid(order)


@pytest.mark.parametrize("scheme", ALL_SCHEMES)
def test_a_body_changed_after_signing_pays_nothing(client, order, scheme):
    body = body_for(scheme, order)
    headers = feed_headers(scheme, body)
    cheaper = body.replace(str(int(order.total_incl_tax)).encode(), b"1000")
    response = client.post(feed_url(SCHEMES[scheme]), data=cheaper, content_type="application/json", headers=headers)
    if scheme in ("sepay-apikey", "casso-v1"):
        # A shared key in a header proves the sender, not the body: a forger would need the key.
        # (Why the docs recommend SePay's HMAC and Casso's v2.) The amount is then checked as usual.
        assert response.status_code == 200
        assert response.json()["results"][0]["outcome"] == "needs-review"
        order.refresh_from_db()
        assert order.status == status.AWAITING_PAYMENT
    else:
        assert response.status_code == 401
        assert unpaid(order)


@pytest.mark.parametrize("scheme", ["sepay-hmac", "casso-v2"])
@pytest.mark.parametrize("offset", [-3600, -400, 400, 86400])  # the exact edge is a unit test (fixed clock)
def test_a_stale_or_future_signature_pays_nothing(client, order, scheme, offset):
    import time

    response = post_feed(client, scheme, body_for(scheme, order), at=time.time() + offset)
    assert response.status_code == 401
    assert unpaid(order)


@pytest.mark.parametrize("scheme", ALL_SCHEMES)
def test_a_replay_is_a_200_not_new_so_the_provider_stops(client, order, scheme):
    body = body_for(scheme, order)
    first = post_feed(client, scheme, body)
    again = post_feed(client, scheme, body)
    assert first.status_code == again.status_code == 200
    assert again.json()["success"] is True
    assert [r["new"] for r in first.json()["results"]] == [True]
    assert [r["new"] for r in again.json()["results"]] == [False]
    assert PaymentEvent.objects.filter(order=order).count() == 1


def test_a_scheme_without_its_secret_refuses_even_a_matching_empty_key(client, order, settings):
    settings.SEPAY_WEBHOOK_API_KEY = ""
    response = client.post(
        feed_url("sepay"),
        data=body_for("sepay-apikey", order),
        content_type="application/json",
        headers={"Authorization": "Apikey "},
    )
    assert response.status_code == 401
    assert unpaid(order)


def test_the_sender_learns_nothing_but_staff_see_why(client, order):
    post_feed(client, "casso-v2", body_for("casso-v2", order), secret="forged")
    row = BankFeedStatus.objects.get(provider="casso")
    assert row.last_refused_reason == "X-Casso-Signature does not match the body (127.0.0.1)"
    assert row.last_webhook_at is None


def test_a_flood_of_refusals_writes_the_status_row_once_in_thirty_seconds(client, order):
    for _ in range(5):
        post_feed(client, "sepay-hmac", body_for("sepay-hmac", order), secret="forged")
    first = BankFeedStatus.objects.get(provider="sepay").last_refused_at
    post_feed(client, "sepay-hmac", body_for("sepay-hmac", order), secret="forged")
    assert BankFeedStatus.objects.get(provider="sepay").last_refused_at == first


# --- the allowlist, read through NUM_PROXIES --------------------------------------------------

SEPAY_V4, SEPAY_V6 = "172.236.138.20", "2400:8905::2000:8cff:fe98:45cd"


@pytest.fixture
def allowlist(settings):
    settings.SEPAY_WEBHOOK_ALLOWED_IPS = [SEPAY_V4, SEPAY_V6, "151.158.108.0/24"]
    settings.NUM_PROXIES = 1


def post_from(client, order, forwarded_for: str, **meta):
    """A SePay HMAC delivery for ``order`` that reached Django with this X-Forwarded-For."""
    body = body_for("sepay-hmac", order)
    return client.post(
        feed_url("sepay"),
        data=body,
        content_type="application/json",
        headers=feed_headers("sepay-hmac", body),
        HTTP_X_FORWARDED_FOR=forwarded_for,
        **meta,
    )


@pytest.mark.parametrize(
    ("forwarded_for", "allowed"),
    [
        (SEPAY_V4, True),
        ("151.158.108.68", True),  # inside an allowed block
        (SEPAY_V6, True),
        ("2400:8905::1", False),  # the same /64 is not the same sender
        ("203.0.113.9", False),
        (f"{SEPAY_V4}, 203.0.113.9", False),  # the left entry is the client's own writing
        ("", False),  # not through the proxy: REMOTE_ADDR, the proxy itself
    ],
)
def test_sepays_allowlist_reads_the_sender_through_the_trusted_proxy(client, order, allowlist, forwarded_for, allowed):
    response = post_from(client, order, forwarded_for, REMOTE_ADDR="10.0.0.2")
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert response.json() == {"success": False, "message": "address not allowed"}
        assert unpaid(order)


def test_without_a_proxy_a_forwarded_header_does_not_pass_the_allowlist(client, order, settings):
    settings.SEPAY_WEBHOOK_ALLOWED_IPS = [SEPAY_V4]
    settings.NUM_PROXIES = 0
    assert post_from(client, order, SEPAY_V4).status_code == 403


def test_the_allowlist_of_one_provider_does_not_bind_another(client, order, allowlist):
    assert post_feed(client, "casso-v2", body_for("casso-v2", order)).status_code == 200


def test_a_malformed_allowlist_stops_the_system_check(settings):
    settings.CASSO_WEBHOOK_ALLOWED_IPS = ["1.2.3.4", "casso.vn"]
    errors = [e for e in run_checks() if e.id == "payments.E001"]
    assert [e.msg for e in errors] == [
        "CASSO_WEBHOOK_ALLOWED_IPS: 'casso.vn' does not appear to be an IPv4 or IPv6 network"
    ]


def test_a_deployment_without_any_bank_feed_secret_is_warned(settings):
    from payments.checks import bank_feeds_configured_check

    for name in (
        "BANK_WEBHOOK_SECRET",
        "SEPAY_WEBHOOK_API_KEY",
        "SEPAY_WEBHOOK_HMAC_SECRET",
        "CASSO_WEBHOOK_CHECKSUM_KEY",
        "CASSO_WEBHOOK_SECURE_TOKEN",
    ):
        setattr(settings, name, "")
    assert [w.id for w in bank_feeds_configured_check(None)] == ["payments.W001"]
    settings.CASSO_WEBHOOK_CHECKSUM_KEY = "set"
    assert bank_feeds_configured_check(None) == []


def test_an_unknown_provider_is_a_400(client):
    response = client.post(
        reverse("payments:bank-webhook", kwargs={"provider": "momo"}), data=b"{}", content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("depth", [900, 990, 5000])
def test_a_deeply_nested_casso_body_is_refused_not_a_500(client, depth):
    import time

    body = b'{"error":0,"data":' + b"[" * depth + b"]" * depth + b"}"
    header = f"t={int(time.time() * 1000)},v1={'a' * 128}"  # fresh, so the body is re-serialised to check it
    response = client.post(
        feed_url("casso"), data=body, content_type="application/json", headers={"X-Casso-Signature": header}
    )
    assert response.status_code in (400, 401)
    assert not BankTransaction.objects.exists()


@pytest.mark.parametrize("scheme", ["sepay-hmac", "casso-v2"])
def test_a_lone_surrogate_is_refused_not_a_500(client, scheme):
    import time

    body = b'{"error":0,"data":{"id":1,"amount":1000,"description":"\\ud800"},"content":"\\ud800"}'
    headers = feed_headers(scheme, body.replace(b"\\ud800", b"x"))  # signed over other content
    response = client.post(feed_url(SCHEMES[scheme]), data=body, content_type="application/json", headers=headers)
    assert response.status_code == 401
    raw = b'{"content":"\xed\xa0\x80"}'  # the surrogate as raw bytes
    stamp = str(int(time.time()))
    response = client.post(
        feed_url("sepay"),
        data=raw,
        content_type="application/json",
        headers={"X-SePay-Timestamp": stamp, "X-SePay-Signature": "sha256=" + "0" * 64},
    )
    assert response.status_code in (400, 401)


def test_a_signed_memo_with_a_lone_surrogate_is_stored_readably(client, order):
    body = (
        b'{"id":"s1","amount":'
        + str(int(order.total_incl_tax)).encode()
        + b',"description":"CS'
        + order.number.encode()
        + b' \\ud800"}'
    )
    response = post_feed(client, "generic", body)
    assert response.status_code == 200
    assert BankTransaction.objects.get().memo == f"CS{order.number} ?"
    order.refresh_from_db()
    assert order.status == status.PAID


def test_each_of_several_secrets_is_accepted_and_nothing_else(client, order, settings):
    settings.SEPAY_WEBHOOK_HMAC_SECRET = ["whsec_platform", "whsec_htx_thien_an"]
    body = body_for("sepay-hmac", order)
    assert post_feed(client, "sepay-hmac", body, secret="whsec_htx_thien_an").status_code == 200
    assert post_feed(client, "sepay-hmac", body, secret="whsec_platform").status_code == 200
    assert post_feed(client, "sepay-hmac", body, secret="whsec_other").status_code == 401


def test_a_secret_of_spaces_is_unset_and_a_copied_comment_stops_the_check(monkeypatch, settings):
    from market.settings.base import env_secrets
    from payments.checks import bank_feed_settings_check

    monkeypatch.setenv("SEPAY_WEBHOOK_HMAC_SECRET", "              ")
    assert env_secrets("SEPAY_WEBHOOK_HMAC_SECRET") == []
    monkeypatch.setenv("SEPAY_WEBHOOK_HMAC_SECRET", " whsec_a , whsec_b ")
    assert env_secrets("SEPAY_WEBHOOK_HMAC_SECRET") == ["whsec_a", "whsec_b"]
    settings.SEPAY_WEBHOOK_HMAC_SECRET = ["whsec_a  # the secret key from SePay"]
    assert [e.id for e in bank_feed_settings_check(None)] == ["payments.E003"]
    settings.SEPAY_WEBHOOK_HMAC_SECRET = ["whsec_a#b"]  # a '#' inside a key is allowed
    assert bank_feed_settings_check(None) == []


def test_an_ipv4_mapped_allowlist_entry_matches_its_ipv4_sender(client, order, settings):
    settings.SEPAY_WEBHOOK_ALLOWED_IPS = ["::ffff:172.236.138.20"]
    settings.NUM_PROXIES = 1
    assert post_from(client, order, SEPAY_V4).status_code == 200


# --- the staff doors: the feed page and its pull button --------------------------------------


def test_the_feed_page_and_its_pull_button_are_for_platform_staff_only(client, settings):
    """Anonymous, a vendor-like login, an organiser: redirected to log in, and no pull runs
    (which would spend the provider's API quota and write the feed's status)."""
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    settings.SEPAY_API_TOKEN = "t"
    settings.SEPAY_API_URL = "http://127.0.0.1:9/"  # nothing listens: a pull that ran would record an error
    page, pull = reverse("payments:staff-feeds"), reverse("payments:staff-feeds-pull")
    organiser = UserFactory()
    organiser.user_permissions.add(Permission.objects.get(codename="review_application"))
    for user in (None, UserFactory(), organiser):
        if user:
            client.force_login(user)
        assert client.get(page).status_code == 302
        assert client.post(pull, {"provider": "sepay"}).status_code == 302
    assert not BankFeedStatus.objects.exists()


def test_the_pull_button_takes_only_a_post_with_the_csrf_token(settings):
    from django.test import Client

    from tests.factories import UserFactory

    settings.SEPAY_API_TOKEN = "t"
    settings.SEPAY_API_URL = "http://127.0.0.1:9/"
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(UserFactory(is_staff=True))
    pull = reverse("payments:staff-feeds-pull")
    assert staff.get(pull, {"provider": "sepay"}).status_code == 405
    assert staff.post(pull, {"provider": "sepay"}).status_code == 403  # no CSRF token: a forged form
    assert not BankFeedStatus.objects.exists()
