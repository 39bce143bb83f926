"""Demo orders for ``load_demo``: two weeks of buying across the cooperatives, so that the
cooperatives' figures, the staff payment screens and the statistics have something to show.

Orders are written with Oscar's ``OrderCreator`` (stock allocated as at checkout), then
settled through the payments services: some paid by transfer, some cash collected, some
left awaiting payment, one expired. Deterministic, and skipped when already present.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone
from oscar.apps.partner.strategy import Default
from oscar.core.loading import get_class, get_model

from core.geo import oscar_country_vietnam
from payments import status
from payments.gateways import gateway_for
from payments.services.orders import order_pay, order_void, source_type_for

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
Source = get_model("payment", "Source")
Product = get_model("catalogue", "Product")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Repository = get_class("shipping.repository", "Repository")

MARK = "@demo.choso.test"
BUYERS = ["Lò Thị Mai", "Cầm Văn Hùng", "Nguyễn Thị Lan", "Quàng Văn Sơn", "Hà Thị Hoa", "Tòng Văn Bình"]


def demo_orders_create(*, days: int = 14, per_day: int = 3) -> int:
    if Order.objects.filter(guest_email__endswith=MARK).exists():
        return 0
    oscar_country_vietnam()
    rng = random.Random(2025)
    products = list(Product.objects.filter(stockrecords__num_in_stock__gt=20).order_by("pk"))
    today = timezone.localdate()
    created = []
    for back in range(days, 0, -1):
        day = today - datetime.timedelta(days=back)
        for n in range(per_day + rng.randint(0, 2)):
            method = rng.choice(["vietqr", "vietqr", "cod", "card"] if back > 1 else ["vietqr"])
            order = _place(rng, rng.sample(products, k=rng.randint(1, 2)), method, len(created))
            placed = timezone.make_aware(datetime.datetime.combine(day, datetime.time(7 + n * 3, rng.randint(0, 59))))
            Order.objects.filter(pk=order.pk).update(date_placed=placed)
            order.refresh_from_db()
            if method in ("vietqr", "card") and back > 1:
                if back == days:
                    order_void(order_id=order.pk, new_status=status.EXPIRED)
                else:
                    order_pay(order_id=order.pk, amount=order.total_incl_tax, reference=f"demo:{order.number}")
            elif method == "cod" and back > 3:
                order_pay(order_id=order.pk, amount=order.total_incl_tax, reference="demo:cash")
            created.append(order)
    # The per-cooperative record of these backdated orders is rebuilt by load_demo's
    # rebuild_statistics, with the markets'.
    return len(created)


def _place(rng, products, method: str, index: int):
    basket = Basket.objects.create()
    basket.strategy = Default()
    for product in products:
        basket.add_product(product, rng.randint(1, 3))
    shipping = Repository().get_default_shipping_method(basket=basket)
    charge = shipping.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, charge)
    address = ShippingAddress.objects.create(
        last_name=BUYERS[index % len(BUYERS)],
        line1=f"Số {index + 1}, tổ {index % 9 + 1}",
        line2="Phường Tô Hiệu",
        state="Sơn La",
        country_id="VN",
        phone_number=f"+8491234{index:04d}",
    )
    gateway = gateway_for(method)
    order = OrderCreator().place_order(
        basket=basket,
        total=total,
        shipping_method=shipping,
        shipping_charge=charge,
        shipping_address=address,
        status=gateway.initial_status,
        guest_email=f"khach{index}{MARK}",
    )
    Source.objects.create(
        order=order,
        source_type=source_type_for(gateway),
        amount_allocated=Decimal(order.total_incl_tax),
        reference=gateway.source_reference(order.number),
    )
    basket.submit()
    return order
