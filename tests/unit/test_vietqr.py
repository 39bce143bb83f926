import random
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payments.banks import banks_by_bin
from payments.vietqr import VietQRError, build_payload, crc16_ccitt_false, parse_payload

# Payloads made by other VietQR implementations in the field (bank apps and vietqr.io
# generators), with their own CRCs: independent checks that we read what banks read.
FIELD_EXAMPLES = [
    (
        "00020101021138540010A00000072701240006970422011008129452690208QRIBFTTA53037045802VN6304d5f3",
        {"bank_bin": "970422", "account": "0812945269", "initiation": "static", "amount": None, "crc": "D5F3"},
    ),
    (
        "00020101021238570010A000000727012700069704220113VQRQACLNP26800208QRIBFTTA530370454061000005802VN"
        "62270823Thanh toan don hang ABC6304CE4C",
        {"account": "VQRQACLNP2680", "initiation": "dynamic", "amount": 100000, "purpose": "Thanh toan don hang ABC"},
    ),
    (
        "00020101021138510010A00000072701210006970407010797968680208QRIBFTTA53037045802VN"
        "62240820gen by sunary/vietqr6304BE74",
        {"bank_bin": "970407", "bank_name": "Techcombank", "account": "9796868", "purpose": "gen by sunary/vietqr"},
    ),
    (
        "00020101021238590010A000000727012900069704180115V3CAS62627239240208QRIBFTTA530370454063750005802VN"
        "62250821CSPZKHEL6A2 NTK O000463044729",
        {"bank_bin": "970418", "bank_name": "BIDV", "amount": 375000, "purpose": "CSPZKHEL6A2 NTK O0004"},
    ),
]


def test_crc_is_ccitt_false_check_value():
    assert crc16_ccitt_false("123456789") == "29B1"


@pytest.mark.parametrize(("payload", "expected"), FIELD_EXAMPLES)
def test_field_examples_parse(payload, expected):
    parsed = parse_payload(payload).as_dict()
    assert {k: parsed[k] for k in expected} == expected
    assert (parsed["currency"], parsed["country"], parsed["service_code"]) == ("704", "VN", "QRIBFTTA")


def test_build_matches_the_documented_layout_exactly():
    payload = build_payload(
        bank_bin="970436", account="0011001234567", amount=150000, purpose="Thanh toán đơn CS100042"
    )
    assert payload == (
        "000201"
        "010212"
        "3857"
        "0010A000000727"
        "0127"
        "0006970436"
        "01130011001234567"
        "0208QRIBFTTA"
        "5303704"
        "5406150000"
        "5802VN"
        "6227"
        "0823Thanh toan don CS100042"
        "6304D4C8"
    )


def test_static_code_has_no_amount_and_initiation_11():
    parsed = parse_payload(build_payload(bank_bin="970436", account="0011001234567"))
    assert (parsed.initiation, parsed.amount, parsed.purpose) == ("static", None, None)


def test_d_stroke_is_mapped_not_dropped():
    parsed = parse_payload(build_payload(bank_bin="970436", account="1", purpose="Đặc sản Đà Lạt", amount=1))
    assert parsed.purpose == "Dac san Da Lat"


def test_card_service_and_name_and_city():
    payload = build_payload(
        bank_bin="970436",
        account="9704366614626581",
        service_code="QRIBFTTC",
        merchant_name="Nguyễn Thị Đào",
        city="Sơn La",
    )
    parsed = parse_payload(payload)
    assert (parsed.service_code, parsed.merchant_name, parsed.city) == ("QRIBFTTC", "NGUYEN THI DAO", "SON LA")


def test_lowercase_crc_is_accepted():
    payload = build_payload(bank_bin="970436", account="0011001234567")
    assert parse_payload(payload[:-4] + payload[-4:].lower()).crc == payload[-4:]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bank_bin": "97043", "account": "1"}, "bank BIN '97043' must be 6 digits"),
        ({"bank_bin": "999999", "account": "1"}, "bank BIN 999999 is not in the NAPAS bank list"),
        ({"bank_bin": "970436", "account": ""}, "account must be 1 to 19 letters or digits"),
        ({"bank_bin": "970436", "account": "1" * 20}, "account must be 1 to 19 letters or digits"),
        ({"bank_bin": "970436", "account": "12-34"}, "account must be 1 to 19 letters or digits"),
        ({"bank_bin": "970436", "account": "1", "amount": "150000.5"}, "amount 150000.5 is not a whole number of dong"),
        ({"bank_bin": "970436", "account": "1", "amount": -5}, "amount must be more than 0 dong"),
        ({"bank_bin": "970436", "account": "1", "amount": 10**13}, "amount has 14 digits; at most 13"),
        (
            {"bank_bin": "970436", "account": "1", "purpose": "x" * 26},
            "purpose is 26 characters after removing diacritics; at most 25",
        ),
        (
            {"bank_bin": "970436", "account": "1", "purpose": "Cà phê ☕"},
            "purpose has characters that are not printable ASCII",
        ),
        (
            {"bank_bin": "970436", "account": "1", "service_code": "QRPUSH"},
            "service code 'QRPUSH' must be QRIBFTTA or QRIBFTTC",
        ),
    ],
)
def test_build_rejects_bad_input_with_a_clear_message(kwargs, message):
    with pytest.raises(VietQRError) as err:
        build_payload(**kwargs)
    assert str(err.value) == message


GOOD = "00020101021138540010A00000072701240006970422011008129452690208QRIBFTTA53037045802VN6304D5F3"


def _with_crc(body: str) -> str:
    return body + crc16_ccitt_false(body)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("", "payload is empty"),
        (GOOD[:-1] + "0", "bad CRC: payload says D5F0, content gives D5F3"),
        (GOOD[:40], "truncated field 38 in the payload: needs 54 characters, 24 left"),
        ("0002010102113", "truncated field at position 12 of the payload"),
        (
            _with_crc("000201010211" + "2654" + GOOD[16:70] + "5303704" + "5802VN" + "6304"),
            "not a NAPAS VietQR: no field 38",
        ),
        (
            _with_crc("000201010211" + "3814" + "0010A000000999" + "5303704" + "5802VN" + "6304"),
            "not a NAPAS VietQR: field 38 does not carry GUID A000000727",
        ),
        (
            _with_crc("000201010211" + GOOD[12:70] + "5303840" + "5802VN" + "6304"),
            "currency (field 53) is '840', not '704' (VND)",
        ),
        (_with_crc("010211000201" + GOOD[12:70] + "5303704" + "5802VN" + "6304"), "payload must start with field 00"),
        ("Cà phê", "payload has non-ASCII characters"),
    ],
)
def test_parse_says_what_is_wrong(payload, message):
    with pytest.raises(VietQRError) as err:
        parse_payload(payload)
    assert str(err.value) == message


def test_parse_of_non_text_is_a_codec_error():
    for value in (None, 123, b"000201", ["x"]):
        with pytest.raises(VietQRError):
            parse_payload(value)


_BINS = sorted(banks_by_bin())
_ACCOUNTS = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=19)
_PURPOSES = st.text(alphabet=string.ascii_letters + string.digits + " .-", max_size=25).map(
    lambda s: " ".join(s.split())
)


@settings(max_examples=300, deadline=None)
@given(
    bank_bin=st.sampled_from(_BINS),
    account=_ACCOUNTS,
    amount=st.one_of(st.none(), st.integers(min_value=1, max_value=10**13 - 1)),
    purpose=_PURPOSES,
    service=st.sampled_from(["QRIBFTTA", "QRIBFTTC"]),
)
def test_round_trip(bank_bin, account, amount, purpose, service):
    parsed = parse_payload(
        build_payload(bank_bin=bank_bin, account=account, amount=amount, purpose=purpose, service_code=service)
    )
    assert (parsed.bank_bin, parsed.account, parsed.amount, parsed.service_code) == (bank_bin, account, amount, service)
    assert parsed.purpose == (purpose or None)
    assert parsed.initiation == ("dynamic" if amount else "static")


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=200))
def test_random_text_raises_only_the_codec_error(text):
    try:
        parse_payload(text)
    except VietQRError:
        pass


def test_mutated_payloads_raise_only_the_codec_error():
    rng = random.Random(20251125)
    seeds = [p for p, _ in FIELD_EXAMPLES]
    alphabet = string.printable + "ĐàẾ\x00"
    for _ in range(5000):
        payload = list(rng.choice(seeds))
        for _ in range(rng.randint(1, 4)):
            op, pos = rng.random(), rng.randrange(len(payload))
            if op < 0.4:
                payload[pos] = rng.choice(alphabet)
            elif op < 0.7:
                del payload[pos]
            else:
                payload.insert(pos, rng.choice(alphabet))
        try:
            parse_payload("".join(payload))
        except VietQRError:
            pass


def _crc_reference(data: str) -> str:
    """Bit-by-bit CRC-16/CCITT-FALSE, written from the definition, to check the fast one."""
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return f"{crc:04X}"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.printable, max_size=300))
def test_fast_crc_equals_the_definition(text):
    assert crc16_ccitt_false(text) == _crc_reference(text)
