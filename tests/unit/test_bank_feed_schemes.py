"""Each provider's authentication, checked on its own: published examples, clock windows, one-byte changes."""

import datetime
import hashlib
import json

import pytest
from django.utils import timezone
from django.utils.datastructures import CaseInsensitiveMapping

from payments.bank_feeds import Delivery, SignatureRefused, casso, feed_for, sepay
from payments.bank_feeds.common import hmac_hex
from tests.bank_feeds import feed_headers

NOW = datetime.datetime(2026, 11, 25, 3, 0, tzinfo=datetime.UTC)

# Casso's published example (github.com/CassoHQ/casso-webhook-v2-verify-signature, the PHP,
# Python, Java, Go and C# samples): checksum key, header and webhook data, copied as published.
CASSO_EXAMPLE_KEY = "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs"
CASSO_EXAMPLE_HEADER = (
    "t=1727948258788,v1=ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7"
    "dde0868fc667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3"
)
CASSO_EXAMPLE_BODY = b"""{
    "error": 0,
    "data": {
        "id": 0,
        "reference": "MA_GIAO_DICH_THU_NGHIEM",
        "description": "giao dich thu nghiem",
        "amount": 599000,
        "runningBalance": 25000000,
        "transactionDateTime": "2024-10-03 15:06:37",
        "accountNumber": "88888888",
        "bankName": "VPBank",
        "bankAbbreviation": "VPB",
        "virtualAccountNumber": "",
        "virtualAccountName": "",
        "counterAccountName": "NGUYEN VAN A",
        "counterAccountNumber": "8888888888",
        "counterAccountBankId": "970415",
        "counterAccountBankName": "VietinBank"
    }
}"""

SEPAY_BODY = (
    b'{"id":92704,"gateway":"Vietcombank","transactionDate":"2024-07-02 11:08:33","accountNumber":"1017588888",'
    b'"subAccount":"","code":"CS100042","content":"CS100042 thanh toan","transferType":"in","transferAmount":10000,'
    b'"accumulated":105010000,"referenceCode":"FT24012345678","description":""}'
)


def delivery(body: bytes, headers: dict, now=NOW) -> Delivery:
    return Delivery(headers=CaseInsensitiveMapping(headers), body=body, now=now)


def verify(provider: str, body: bytes, headers: dict, now=NOW) -> str:
    return feed_for(provider).verify(delivery(body, headers, now))


# --- Casso ---------------------------------------------------------------------------------


def test_cassos_published_example_verifies_with_its_published_key(settings):
    # The clock check set aside: the example was signed in October 2024.
    payload = json.loads(CASSO_EXAMPLE_BODY)
    assert casso.signature_matches(payload, CASSO_EXAMPLE_HEADER, [CASSO_EXAMPLE_KEY])
    # And the whole check, with the clock at the example's own time.
    settings.CASSO_WEBHOOK_CHECKSUM_KEY = CASSO_EXAMPLE_KEY
    signed_at = datetime.datetime.fromtimestamp(1727948258.788, tz=datetime.UTC)
    headers = {"X-Casso-Signature": CASSO_EXAMPLE_HEADER}
    assert verify("casso", CASSO_EXAMPLE_BODY, headers, now=signed_at + datetime.timedelta(seconds=3)) == "v2"
    # Our signer writes the same header for the same data and time.
    assert casso.sign(payload, CASSO_EXAMPLE_KEY, 1727948258788) == CASSO_EXAMPLE_HEADER


@pytest.mark.parametrize(
    "change",
    [
        (b'"amount": 599000', b'"amount": 599001'),
        (b'"id": 0', b'"id": 1'),
        (b"NGUYEN VAN A", b"NGUYEN VAN B"),
        (b'"error": 0', b'"error": 0, "extra": 1'),
    ],
)
def test_cassos_example_changed_by_one_byte_or_field_does_not_verify(change):
    body = CASSO_EXAMPLE_BODY.replace(*change)
    assert body != CASSO_EXAMPLE_BODY
    assert not casso.signature_matches(json.loads(body), CASSO_EXAMPLE_HEADER, [CASSO_EXAMPLE_KEY])


def test_cassos_example_under_another_key_or_time_does_not_verify():
    payload = json.loads(CASSO_EXAMPLE_BODY)
    assert not casso.signature_matches(payload, CASSO_EXAMPLE_HEADER, [CASSO_EXAMPLE_KEY[:-1] + "t"])
    other_time = CASSO_EXAMPLE_HEADER.replace("t=1727948258788", "t=1727948258789")
    assert not casso.signature_matches(payload, other_time, [CASSO_EXAMPLE_KEY])
    assert not casso.signature_matches(payload, CASSO_EXAMPLE_HEADER, [])


def _casso_rendered(payload, *, ensure_ascii: bool, escape_slashes: bool) -> bytes:
    text = json.dumps(payload, ensure_ascii=ensure_ascii, separators=(",", ":"), sort_keys=True)
    return (text.replace("/", "\\/") if escape_slashes else text).encode()


@pytest.mark.parametrize(
    ("ensure_ascii", "escape_slashes"),
    [(False, False), (True, False), (True, True), (False, True)],
    ids=["node", "python", "php-default", "php-unescaped-unicode"],
)
def test_casso_signatures_from_each_sample_serialiser_verify(settings, ensure_ascii, escape_slashes):
    """Casso's samples disagree on escaping Unicode and "/"; a Vietnamese memo with a slash
    signed by any of them verifies, whatever the escaping of the body we receive."""
    key = settings.CASSO_WEBHOOK_CHECKSUM_KEY[0]
    payload = {"error": 0, "data": {"id": 9, "amount": 150000, "description": "Chuyển tiền CS100042 đơn 1/2"}}
    stamp = int(NOW.timestamp() * 1000)
    signed = _casso_rendered(payload, ensure_ascii=ensure_ascii, escape_slashes=escape_slashes)
    v1 = hmac_hex(key, f"{stamp}.".encode() + signed, hashlib.sha512)
    header = {"X-Casso-Signature": f"t={stamp},v1={v1}"}
    for received in (json.dumps(payload).encode(), json.dumps(payload, ensure_ascii=False, indent=2).encode()):
        assert verify("casso", received, header) == "v2"


@pytest.mark.parametrize("seconds", [-301, 301, -86400, 10**6])
def test_a_casso_signature_outside_the_window_is_refused(seconds):
    body = b'{"error":0,"data":{"id":1,"amount":1000,"description":"x"}}'
    headers = feed_headers("casso-v2", body, at=NOW.timestamp() + seconds)
    with pytest.raises(SignatureRefused, match="outside the allowed window"):
        verify("casso", body, headers)


@pytest.mark.parametrize("seconds", [-299, 0, 299])
def test_a_casso_signature_inside_the_window_verifies(seconds):
    body = b'{"error":0,"data":{"id":1,"amount":1000,"description":"x"}}'
    assert verify("casso", body, feed_headers("casso-v2", body, at=NOW.timestamp() + seconds)) == "v2"


def test_cassos_v1_secure_token(settings):
    body = b'{"error":0,"data":[{"id":1,"amount":1000,"description":"x"}]}'
    assert verify("casso", body, {"secure-token": settings.CASSO_WEBHOOK_SECURE_TOKEN[0]}) == "v1"
    with pytest.raises(SignatureRefused, match="wrong secure-token"):
        verify("casso", body, {"secure-token": settings.CASSO_WEBHOOK_SECURE_TOKEN[0] + "x"})


# --- SePay ---------------------------------------------------------------------------------


def test_sepay_hmac_matches_an_independently_computed_vector(settings):
    """SePay publishes no test vector; this one was computed apart from our code, from SePay's
    description (HMAC-SHA256 under the webhook's secret key of "<timestamp>." + raw body)."""
    settings.SEPAY_WEBHOOK_HMAC_SECRET = "whsec_test_secret_do_not_use"
    signature = "sha256=31d7d84583fd1ab63c9d9398d4f7521242d72008ad6f8a34b6eedd5c94e0d2d6"
    assert sepay.sign(SEPAY_BODY, "whsec_test_secret_do_not_use", 1767225600) == signature
    at = datetime.datetime.fromtimestamp(1767225600 + 5, tz=datetime.UTC)
    headers = {"X-SePay-Signature": signature, "X-SePay-Timestamp": "1767225600"}
    assert verify("sepay", SEPAY_BODY, headers, now=at) == "hmac"
    bare = {"X-SePay-Signature": signature.removeprefix("sha256=").upper(), "X-SePay-Timestamp": "1767225600"}
    assert verify("sepay", SEPAY_BODY, bare, now=at) == "hmac"


def test_sepay_hmac_accepts_the_body_as_sepays_sample_code_re_serialises_it(settings):
    payload = json.loads(SEPAY_BODY)
    stamp = int(NOW.timestamp())
    for ensure_ascii in (True, False):
        rendered = json.dumps(payload, ensure_ascii=ensure_ascii, separators=(",", ":")).replace("/", "\\/").encode()
        headers = {
            "X-SePay-Signature": sepay.sign(rendered, settings.SEPAY_WEBHOOK_HMAC_SECRET[0], stamp),
            "X-SePay-Timestamp": str(stamp),
        }
        spaced = json.dumps(payload, indent=1).encode()
        assert verify("sepay", spaced, headers) == "hmac"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda body, headers: (body.replace(b"10000", b"10001"), headers),
        lambda body, headers: (body.replace(b"toan", b"toam"), headers),
        lambda body, headers: (body, {**headers, "X-SePay-Timestamp": str(int(headers["X-SePay-Timestamp"]) + 1)}),
        lambda body, headers: (body, {**headers, "X-SePay-Signature": headers["X-SePay-Signature"][:-1] + "0"}),
    ],
    ids=["amount", "memo-byte", "timestamp", "signature"],
)
def test_sepay_hmac_refuses_a_changed_body_timestamp_or_signature(tamper):
    """One byte of what the body says changed. (Whitespace between JSON tokens is not what it
    says: a body re-serialised as SePay's sample code may do it verifies.)"""
    headers = feed_headers("sepay-hmac", SEPAY_BODY, at=NOW.timestamp())
    if headers["X-SePay-Signature"].endswith("0"):
        headers["X-SePay-Signature"] = headers["X-SePay-Signature"][:-1] + "1"
    body, headers = tamper(SEPAY_BODY, headers)
    with pytest.raises(SignatureRefused):
        verify("sepay", body, headers)


@pytest.mark.parametrize(("seconds", "ok"), [(-301, False), (301, False), (-299, True), (299, True)])
def test_sepay_hmac_timestamp_window(seconds, ok):
    headers = feed_headers("sepay-hmac", SEPAY_BODY, at=NOW.timestamp() + seconds)
    if ok:
        assert verify("sepay", SEPAY_BODY, headers) == "hmac"
    else:
        with pytest.raises(SignatureRefused, match="outside the allowed window"):
            verify("sepay", SEPAY_BODY, headers)


@pytest.mark.parametrize("stamp", ["", "abc", "1.5", "-1767225600", "1" * 20])
def test_sepay_hmac_with_an_unreadable_timestamp_is_refused(settings, stamp):
    signature = sepay.sign(SEPAY_BODY, settings.SEPAY_WEBHOOK_HMAC_SECRET[0], 0).replace("sha256=", "")
    with pytest.raises(SignatureRefused, match="X-SePay-Timestamp"):
        verify("sepay", SEPAY_BODY, {"X-SePay-Signature": signature, "X-SePay-Timestamp": stamp})


def test_sepay_api_key(settings):
    key = settings.SEPAY_WEBHOOK_API_KEY[0]
    assert verify("sepay", SEPAY_BODY, {"Authorization": f"Apikey {key}"}) == "apikey"
    for wrong in (f"Apikey {key}x", f"Apikey {key[:-1]}", "Apikey ", f"Bearer {key}", key):
        with pytest.raises(SignatureRefused):
            verify("sepay", SEPAY_BODY, {"Authorization": wrong})


# --- unset means refused -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "setting"),
    [
        ("sepay-hmac", "SEPAY_WEBHOOK_HMAC_SECRET"),
        ("sepay-apikey", "SEPAY_WEBHOOK_API_KEY"),
        ("casso-v2", "CASSO_WEBHOOK_CHECKSUM_KEY"),
        ("casso-v1", "CASSO_WEBHOOK_SECURE_TOKEN"),
        ("generic", "BANK_WEBHOOK_SECRET"),
    ],
)
def test_a_scheme_whose_secret_is_unset_is_refused_even_when_signed_with_an_empty_key(settings, scheme, setting):
    from tests.bank_feeds import SCHEMES

    body = b'{"error":0,"data":{"id":1,"amount":1000,"description":"x"},"id":1,"amount":1000,"transferAmount":1}'
    setattr(settings, setting, "")
    headers = feed_headers(scheme, body, secret="", at=timezone.now().timestamp())
    with pytest.raises(SignatureRefused):
        verify(SCHEMES[scheme], body, headers, now=timezone.now())


def test_no_authentication_at_all_is_refused_by_every_provider():
    for provider in ("sepay", "casso", "generic"):
        with pytest.raises(SignatureRefused):
            verify(provider, SEPAY_BODY, {})
