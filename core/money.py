"""Money is whole dong. One formatter (``125.000 ₫``) and one parser for the whole site."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def to_dong(value) -> Decimal | None:
    """``value`` as a whole-dong Decimal, or None when it is not a number."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not amount.is_finite():
        return None
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


# Babel's pattern for dong, in Vietnamese whatever the page's language: dots group
# thousands, no decimals, the sign after a space. Oscar's own ``|currency`` filter prints
# through the same pattern (``OSCAR_CURRENCY_FORMAT`` in settings), so a price in Oscar's
# templates and one in ours read the same. The space is a plain one, as in SMS and CSV.
VND_FORMAT = {"format": "#,##0 ¤", "locale": "vi", "currency_digits": False}


def format_vnd(value) -> str:
    """``125000`` → ``"125.000 ₫"``; dots group thousands, as Vietnamese prices are written."""
    amount = to_dong(value)
    if amount is None:
        return ""
    return format_currency(amount, "VND", **VND_FORMAT)


def group_thousands(value) -> str:
    """``125000`` → ``"125.000"``: the number as ``format_vnd`` prints it, without the sign
    (for "Đã nhận 125.000 đồng", read aloud)."""
    amount = to_dong(value)
    if amount is None:
        return ""
    return format_decimal(amount, format=VND_FORMAT["format"].replace(" ¤", ""), locale=VND_FORMAT["locale"])


def parse_dong(raw: str):
    """Parse a price as typed: ``125000``, ``125.000``, ``125 000 ₫``. Returns a whole-dong Decimal.

    Raises ValidationError for negatives and fractions: prices are whole dong.
    """
    text = (raw or "").strip().replace("₫", "").replace("đ", "").replace("\xa0", " ").strip()
    text = text.replace(" ", "")
    if not text:
        raise ValidationError(_("Hãy nhập giá bán."), code="required")
    if text.startswith("-"):
        raise ValidationError(_("Giá bán không được là số âm."), code="negative")
    if not re.fullmatch(r"[0-9.,]+", text):
        raise ValidationError(_("Giá bán phải là một số, ví dụ 125000."), code="invalid")
    # 125.000 (Vietnamese) and 125,000 (a phone keyboard set to English) both group thousands.
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text) and len(set(re.findall(r"[.,]", text))) == 1:
        text = re.sub(r"[.,]", "", text)
    text = text.replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("Giá bán phải là một số, ví dụ 125000."), code="invalid") from None
    if not amount.is_finite():
        raise ValidationError(_("Giá bán phải là một số, ví dụ 125000."), code="invalid")
    if amount != amount.to_integral_value():
        raise ValidationError(_("Giá bán tính bằng đồng, không có phần lẻ (ví dụ 125000)."), code="fractional")
    if amount > Decimal("999999999"):
        raise ValidationError(_("Giá bán quá lớn."), code="too_large")
    return amount.quantize(Decimal(1))
