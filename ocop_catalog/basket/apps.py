"""Fork of Oscar's basket (label ``basket``), for ``views.BasketAddView``: only what the
storefront shows can go into a basket. Models, forms and the other views are Oscar's."""

import oscar.apps.basket.apps as apps


class BasketConfig(apps.BasketConfig):
    name = "ocop_catalog.basket"
