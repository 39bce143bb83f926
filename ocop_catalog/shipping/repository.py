from oscar.apps.shipping import repository

from .methods import MarketPickup, PerCooperativeDelivery


class Repository(repository.Repository):
    """Delivery (a flat fee per cooperative), plus market pick-up where every cooperative has a stall."""

    def get_available_shipping_methods(self, basket, shipping_addr=None, **kwargs):
        methods = [PerCooperativeDelivery()]
        if MarketPickup.available_for(basket):
            methods.append(MarketPickup())
        return methods
