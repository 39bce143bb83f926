import re
from decimal import Decimal

import segno
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from payments import status
from payments.banks import bank_for_bin
from payments.vietqr import build_payload

from .base import Gateway, NextStep

REFERENCE_PREFIX = "CS"
# Bank apps add their own text around the memo and sometimes a space or dash after "CS";
# the number itself ends where its digits end, so a phone number after it is not glued on.
_REFERENCE = re.compile(rf"{REFERENCE_PREFIX}[\s.\-_:]*(\d{{6,12}})(?!\d)")


def order_reference(order_number: str) -> str:
    """The transfer memo that identifies an order, e.g. ``CS100042`` (ASCII, ≤ 25 characters)."""
    return f"{REFERENCE_PREFIX}{order_number}"


def order_numbers_in_memo(memo: str) -> list[str]:
    """Every distinct order number the memo names, in the order written (``CS100042 CS100043``)."""
    numbers: list[str] = []
    for found in _REFERENCE.finditer((memo or "").upper()):
        if found.group(1) not in numbers:
            numbers.append(found.group(1))
    return numbers


class VietQRTransferGateway(Gateway):
    """Bank transfer to the platform's account, with a dynamic VietQR holding the exact amount and memo."""

    code = "vietqr"
    label = _("Chuyển khoản VietQR")
    help_text = _("Quét mã QR bằng ứng dụng ngân hàng. Số tiền và nội dung được điền sẵn.")
    initial_status = status.AWAITING_PAYMENT

    def is_enabled(self) -> bool:
        return bool(settings.VIETQR_BANK_BIN and settings.VIETQR_ACCOUNT_NUMBER)

    def source_reference(self, order_number: str) -> str:
        return order_reference(order_number)

    def next_step(self, *, order, request):
        if order.status != status.AWAITING_PAYMENT:
            return None
        amount = Decimal(order.total_incl_tax).quantize(Decimal(1))
        memo = order_reference(order.number)
        payload = build_payload(
            bank_bin=settings.VIETQR_BANK_BIN,
            account=settings.VIETQR_ACCOUNT_NUMBER,
            amount=amount,
            purpose=memo,
            merchant_name=settings.VIETQR_ACCOUNT_NAME or None,
        )
        bank = bank_for_bin(settings.VIETQR_BANK_BIN)
        qr_svg = segno.make(payload, error="m").svg_inline(scale=5, border=4, title=str(_("Mã VietQR thanh toán")))
        return NextStep(
            "payments/next_step/vietqr.html",
            {
                "qr_svg": qr_svg,
                "payload": payload,
                "bank": bank,
                "account_number": settings.VIETQR_ACCOUNT_NUMBER,
                "account_name": settings.VIETQR_ACCOUNT_NAME,
                "amount": amount,
                "memo": memo,
                "expires_at": order.date_placed + settings.PAYMENT_EXPIRY,
            },
        )
