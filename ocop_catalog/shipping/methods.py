"""Shipping on a basket that mixes cooperatives.

Each cooperative ships its own goods, so delivery costs each cooperative's flat fee once,
whatever the number of its products. Picking up at the market is free, and offered only
when every cooperative in the basket keeps a stall there (``Cooperative.pickup_point``).
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from oscar.apps.shipping.methods import Base
from oscar.core import prices

from ocop_catalog.models import Cooperative


def basket_cooperatives(basket) -> list[Cooperative]:
    """The cooperatives selling the basket's lines. Remembered on the basket for the request:
    shipping methods, their fees and the checkout page all ask, several times per page."""
    partner_ids = tuple(sorted({line.stockrecord.partner_id for line in basket.all_lines() if line.stockrecord_id}))
    cached = getattr(basket, "_choso_cooperatives", None)
    if cached is None or cached[0] != partner_ids:
        found = list(Cooperative.objects.filter(partner_id__in=partner_ids).select_related("partner"))
        basket._choso_cooperatives = cached = (partner_ids, found)
    return cached[1]


class PerCooperativeDelivery(Base):
    code = "delivery"
    name = _("Giao tận nơi")
    description = _("Mỗi hợp tác xã tự gửi hàng của mình; phí tính một lần cho mỗi hợp tác xã.")

    def calculate(self, basket):
        fee = sum((Decimal(c.shipping_fee) for c in basket_cooperatives(basket)), Decimal(0))
        return prices.Price(currency=basket.currency, excl_tax=fee, incl_tax=fee)


class MarketPickup(Base):
    code = "pickup"
    name = _("Nhận tại chợ")
    description = _("Đến sạp của hợp tác xã để nhận hàng, không mất phí giao.")

    @staticmethod
    def available_for(basket) -> bool:
        cooperatives = basket_cooperatives(basket)
        return bool(cooperatives) and all(c.pickup_point for c in cooperatives)

    def calculate(self, basket):
        return prices.Price(currency=basket.currency, excl_tax=Decimal(0), incl_tax=Decimal(0))
