"""Fork of Oscar's shipping app (label ``shipping``), for ``repository.Repository``:
a flat delivery fee per cooperative and pick-up at the market. Models are Oscar's."""

import oscar.apps.shipping.apps as apps


class ShippingConfig(apps.ShippingConfig):
    name = "ocop_catalog.shipping"
