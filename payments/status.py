"""Order statuses on the payment path, and the pipeline Oscar enforces between them.

Oscar stores ``Order.status`` as a plain string and checks every change against
``OSCAR_ORDER_STATUS_PIPELINE`` (settings). The stored values are stable codes; what a
person reads comes from ``label``. Paid, cancelled and expired are terminal: nothing on
the payment path moves an order out of them, so a late or replayed event cannot turn a
paid order back into an unpaid one.
"""

from django.utils.translation import gettext_lazy as _

AWAITING_PAYMENT = "awaiting-payment"
CASH_ON_DELIVERY = "cash-on-delivery"
PAID = "paid"
CANCELLED = "cancelled"
EXPIRED = "expired"

LABELS = {
    AWAITING_PAYMENT: _("Chờ thanh toán"),
    CASH_ON_DELIVERY: _("Trả tiền khi nhận hàng"),
    PAID: _("Đã thanh toán"),
    CANCELLED: _("Đã huỷ"),
    EXPIRED: _("Đã hết hạn thanh toán"),
}

PIPELINE = {
    AWAITING_PAYMENT: (PAID, CANCELLED, EXPIRED),
    CASH_ON_DELIVERY: (PAID, CANCELLED),
    PAID: (),
    CANCELLED: (),
    EXPIRED: (),
}

UNPAID = (AWAITING_PAYMENT, CASH_ON_DELIVERY)
# Orders that no longer hold stock and are left out of sales figures.
VOID = (CANCELLED, EXPIRED)


def label(status: str) -> str:
    return str(LABELS.get(status, status))
