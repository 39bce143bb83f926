"""The one small interface every payment method implements.

Checkout calls ``check`` from ``handle_payment`` before the order exists (so a refusal
leaves nothing behind), records a ``Source`` of the gateway's code, and places the
order in ``initial_status``. The order page then renders ``template_name`` with
``next_step``: the QR to scan, the card form, or nothing to do.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpRequest


@dataclass(frozen=True)
class PaymentRequest:
    """What a gateway is asked to accept, before the order is written."""

    order_number: str
    amount: Decimal  # whole dong, shipping included


@dataclass(frozen=True)
class NextStep:
    """What the buyer does next on the order page."""

    template_name: str
    context: dict = field(default_factory=dict)
    # Sources the step adds to the page's Content-Security-Policy (django-csp's csp_update
    # form, e.g. {"script-src": [origin]}): a third party's script on this step alone.
    csp_update: dict = field(default_factory=dict)


class Gateway:
    code: str = ""
    label = ""
    help_text = ""
    initial_status: str = ""
    # Does money arrive without a person collecting it? (VietQR and card: yes; COD: no.)
    cashless: bool = True

    def is_enabled(self) -> bool:
        return True

    def check(self, request: PaymentRequest) -> None:
        """Raise ``UnableToTakePayment`` with a message for the buyer if this order cannot use the method."""

    def source_reference(self, order_number: str) -> str:
        return ""

    def next_step(self, *, order, request: HttpRequest) -> NextStep | None:
        return None

    def on_void(self, order) -> None:
        """An unpaid order of this method was cancelled or expired (called inside that
        transaction): undo what the method set up, after commit (e.g. cancel a card intent)."""
