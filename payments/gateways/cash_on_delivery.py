from django.utils.translation import gettext_lazy as _

from payments import status

from .base import Gateway, NextStep


class CashOnDeliveryGateway(Gateway):
    """Placed straight away; paid when the cooperative hands over the goods and collects the cash."""

    code = "cod"
    label = _("Trả tiền mặt khi nhận hàng")
    help_text = _("Bạn trả tiền cho người giao hàng hoặc tại sạp khi nhận hàng.")
    initial_status = status.CASH_ON_DELIVERY
    cashless = False

    def next_step(self, *, order, request):
        return NextStep("payments/next_step/cod.html")
