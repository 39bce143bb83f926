"""VietQR codec: NAPAS's profile of the EMVCo Merchant-Presented QR, build and parse.

A payload is a run of ID (2 digits) + length (2 digits, in characters) + value. The fields:

====  ==========================================================================
00    payload format indicator, "01"; always first
01    point of initiation: "11" static (no amount), "12" dynamic
38    NAPAS template: 00 GUID "A000000727"; 01 beneficiary (00 BIN, 01 account
      or card number, ≤ 19); 02 service "QRIBFTTA" (to account) / "QRIBFTTC" (card)
53    currency, "704" (VND)
54    amount, whole dong
58    country, "VN"
59    beneficiary name (≤ 25), 60 city (≤ 15): optional
62    additional data; sub-tag 08 is the purpose, shown by bank apps as the memo
63    CRC-16/CCITT-FALSE over everything up to and including "6304"; always last
====  ==========================================================================

``build_payload`` and ``parse_payload`` are the whole API. Every failure raises
``VietQRError`` with a message that names the problem; nothing else escapes ``parse_payload``.
To support another field, add it to ``_build_fields`` and ``VietQRPayload``.
"""

import binascii
import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

# The codec imports the standard library only: no Django, no project package. It can be
# copied out, or imported by a script, on its own (``tests/unit/test_vietqr_pure.py``).

BANKS = Path(__file__).resolve().parent / "data" / "napas_banks.json"


@dataclass(frozen=True)
class Bank:
    bin: str
    code: str
    short_name: str
    name: str


@cache
def banks_by_bin() -> dict[str, Bank]:
    """The NAPAS bank list, keyed on the 6-digit BIN (never the short code: codes collide).

    ``data/napas_banks.json`` is the project's copy of the SBV 2023 list merged with the
    vietqr.io list; entries where the sources disagree carry a ``note``.
    """
    rows = json.loads(BANKS.read_text(encoding="utf-8"))
    return {row["bin"]: Bank(row["bin"], row["code"], row["short_name"], row["name"]) for row in rows}


def bank_for_bin(bin_code: str) -> Bank | None:
    return banks_by_bin().get(bin_code)


def _ascii(text: str) -> str:
    """Vietnamese without marks ("Đơn hàng" → "Don hang"): bank apps show a memo's ASCII only."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
SERVICE_TO_CARD = "QRIBFTTC"
SERVICES = (SERVICE_TO_ACCOUNT, SERVICE_TO_CARD)
STATIC, DYNAMIC = "11", "12"
VND, VIETNAM = "704", "VN"
MAX_AMOUNT_DIGITS = 13

_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")


class VietQRError(ValueError):
    """A payload or an input to it is not a valid NAPAS VietQR; the message says why."""


@dataclass(frozen=True)
class VietQRPayload:
    bank_bin: str
    bank_name: str | None
    account: str
    service_code: str
    initiation: str  # "static" or "dynamic"
    amount: int | None
    currency: str
    country: str
    purpose: str | None
    crc: str
    merchant_name: str | None = None
    city: str | None = None

    def as_dict(self) -> dict:
        return {
            "bank_bin": self.bank_bin,
            "bank_name": self.bank_name,
            "account": self.account,
            "service_code": self.service_code,
            "initiation": self.initiation,
            "amount": self.amount,
            "currency": self.currency,
            "country": self.country,
            "purpose": self.purpose,
            "crc": self.crc,
        }


# --- text and CRC --------------------------------------------------------------------


def ascii_text(text: str) -> str:
    """Vietnamese → plain ASCII: marks stripped, Đ/đ mapped (NFD leaves them whole)."""
    return " ".join(_ascii(text).split())


def crc16_ccitt_false(data: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), as 4 uppercase hex digits.

    ``binascii.crc_hqx`` is exactly this polynomial, computed in C; started at 0xFFFF it
    gives the CCITT-FALSE variant (check value "123456789" → 29B1, tested).
    """
    return f"{binascii.crc_hqx(data.encode('utf-8'), 0xFFFF):04X}"


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise VietQRError(f"field {tag} is {len(value)} characters; at most 99 fit")
    return f"{tag}{len(value):02d}{value}"


# --- build ---------------------------------------------------------------------------


def _text_field(value: str | None, *, name: str, limit: int, upper: bool = False) -> str | None:
    if value is None or value == "":
        return None
    text = ascii_text(str(value))
    if upper:
        text = text.upper()
    if not text:
        return None
    if len(text) > limit:
        raise VietQRError(f"{name} is {len(text)} characters after removing diacritics; at most {limit}")
    if not (text.isascii() and text.isprintable()):
        raise VietQRError(f"{name} has characters that are not printable ASCII")
    return text


def _amount_text(amount) -> str | None:
    if amount is None or amount == "":
        return None
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise VietQRError(f"amount {amount!r} is not a number") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise VietQRError(f"amount {amount} is not a whole number of dong")
    if value <= 0:
        raise VietQRError("amount must be more than 0 dong")
    text = str(int(value))
    if len(text) > MAX_AMOUNT_DIGITS:
        raise VietQRError(f"amount has {len(text)} digits; at most {MAX_AMOUNT_DIGITS}")
    return text


def build_payload(
    *,
    bank_bin: str,
    account: str,
    amount=None,
    purpose: str | None = None,
    service_code: str = SERVICE_TO_ACCOUNT,
    merchant_name: str | None = None,
    city: str | None = None,
) -> str:
    """The payload text for a transfer to ``account`` at the bank with ``bank_bin``.

    With an ``amount`` the code is dynamic (12), without one static (11).
    """
    bank_bin = str(bank_bin or "").strip()
    if not re.fullmatch(r"\d{6}", bank_bin):
        raise VietQRError(f"bank BIN {bank_bin!r} must be 6 digits")
    if bank_for_bin(bank_bin) is None:
        raise VietQRError(f"bank BIN {bank_bin} is not in the NAPAS bank list")
    account = str(account or "").strip()
    if not _ACCOUNT.fullmatch(account):
        raise VietQRError("account must be 1 to 19 letters or digits")
    if service_code not in SERVICES:
        raise VietQRError(f"service code {service_code!r} must be QRIBFTTA or QRIBFTTC")
    amount_text = _amount_text(amount)
    purpose_text = _text_field(purpose, name="purpose", limit=25)
    name_text = _text_field(merchant_name, name="name", limit=25, upper=True)
    city_text = _text_field(city, name="city", limit=15, upper=True)

    beneficiary = _tlv("00", bank_bin) + _tlv("01", account)
    napas = _tlv("00", NAPAS_GUID) + _tlv("01", beneficiary) + _tlv("02", service_code)
    parts = [_tlv("00", "01"), _tlv("01", DYNAMIC if amount_text else STATIC), _tlv("38", napas), _tlv("53", VND)]
    if amount_text:
        parts.append(_tlv("54", amount_text))
    parts.append(_tlv("58", VIETNAM))
    if name_text:
        parts.append(_tlv("59", name_text))
    if city_text:
        parts.append(_tlv("60", city_text))
    if purpose_text:
        parts.append(_tlv("62", _tlv("08", purpose_text)))
    body = "".join(parts) + "6304"
    return body + crc16_ccitt_false(body)


# --- parse ---------------------------------------------------------------------------


def _split(text: str, where: str) -> list[tuple[str, str]]:
    fields, pos = [], 0
    while pos < len(text):
        head = text[pos : pos + 4]
        if len(head) < 4:
            raise VietQRError(f"truncated field at position {pos} of {where}")
        if not (head.isascii() and head.isdigit()):
            raise VietQRError(f"bad field header {head!r} at position {pos} of {where}")
        tag, length = head[:2], head[2:]
        end = pos + 4 + int(length)
        if end > len(text):
            raise VietQRError(
                f"truncated field {tag} in {where}: needs {length} characters, {len(text) - pos - 4} left"
            )
        fields.append((tag, text[pos + 4 : end]))
        pos = end
    return fields


def _unique(fields: list[tuple[str, str]], where: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag, value in fields:
        if tag in found:
            raise VietQRError(f"field {tag} appears twice in {where}")
        found[tag] = value
    return found


def parse_payload(text) -> VietQRPayload:
    """Parse and check a VietQR payload. Raises ``VietQRError`` and nothing else."""
    try:
        return _parse(text)
    except VietQRError:
        raise
    except Exception as exc:  # the contract: callers only ever see VietQRError
        raise VietQRError(f"unreadable payload ({type(exc).__name__})") from None


def _parse(text) -> VietQRPayload:
    if not isinstance(text, str):
        raise VietQRError("payload must be text")
    text = text.strip()
    if not text:
        raise VietQRError("payload is empty")
    if not text.isascii():
        raise VietQRError("payload has non-ASCII characters")
    fields = _split(text, "the payload")
    if fields[0][0] != "00":
        raise VietQRError("payload must start with field 00")
    if fields[-1][0] != "63":
        raise VietQRError("payload must end with the CRC field 63")
    crc = fields[-1][1]
    if not re.fullmatch(r"[0-9A-Fa-f]{4}", crc):
        raise VietQRError(f"CRC {crc!r} must be 4 hex digits")
    expected = crc16_ccitt_false(text[:-4])
    if crc.upper() != expected:
        raise VietQRError(f"bad CRC: payload says {crc}, content gives {expected}")
    top = _unique(fields, "the payload")
    if top["00"] != "01":
        raise VietQRError(f"payload format indicator is {top['00']!r}, not '01'")
    initiation = {STATIC: "static", DYNAMIC: "dynamic"}.get(top.get("01", ""))
    if initiation is None:
        raise VietQRError("point of initiation (field 01) must be 11 or 12")
    if "38" not in top:
        raise VietQRError("not a NAPAS VietQR: no field 38")
    napas = _unique(_split(top["38"], "field 38"), "field 38")
    if napas.get("00", "").upper() != NAPAS_GUID:
        raise VietQRError("not a NAPAS VietQR: field 38 does not carry GUID A000000727")
    if "01" not in napas:
        raise VietQRError("field 38 has no beneficiary (38/01)")
    beneficiary = _unique(_split(napas["01"], "field 38/01"), "field 38/01")
    bank_bin, account = beneficiary.get("00", ""), beneficiary.get("01", "")
    if not re.fullmatch(r"\d{6}", bank_bin):
        raise VietQRError(f"bank BIN {bank_bin!r} in 38/01/00 must be 6 digits")
    if not _ACCOUNT.fullmatch(account):
        raise VietQRError("account in 38/01/01 must be 1 to 19 letters or digits")
    service = napas.get("02", "")
    if service not in SERVICES:
        raise VietQRError(f"service code {service!r} in 38/02 must be QRIBFTTA or QRIBFTTC")
    currency = top.get("53")
    if currency != VND:
        raise VietQRError(f"currency (field 53) is {currency!r}, not '704' (VND)")
    country = top.get("58")
    if country != VIETNAM:
        raise VietQRError(f"country (field 58) is {country!r}, not 'VN'")
    amount = None
    if "54" in top:
        if not re.fullmatch(r"\d{1,13}", top["54"]):
            raise VietQRError(f"amount {top['54']!r} is not a whole number of dong")
        amount = int(top["54"])
    purpose = None
    if "62" in top:
        extra = _unique(_split(top["62"], "field 62"), "field 62")
        purpose = extra.get("08")
    bank = bank_for_bin(bank_bin)
    return VietQRPayload(
        bank_bin=bank_bin,
        bank_name=bank.short_name if bank else None,
        account=account,
        service_code=service,
        initiation=initiation,
        amount=amount,
        currency=currency,
        country=country,
        purpose=purpose,
        crc=crc.upper(),
        merchant_name=top.get("59"),
        city=top.get("60"),
    )
