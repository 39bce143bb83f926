"""Oscar's basket views, with one change: a product goes into a basket only if the
storefront offers it (``ocop_catalog.selectors.product_browsable_queryset``).

Oscar's ``BasketAddView`` loads any product by primary key, so a POST to
``/shop/basket/add/<pk>/`` could put a hidden or draft product in a basket. Here such a
product is a 404, the same answer as a product that does not exist; nothing is written.
"""

from django.shortcuts import get_object_or_404
from oscar.apps.basket import views as oscar_views

from ocop_catalog.selectors import product_browsable_queryset


class BasketAddView(oscar_views.BasketAddView):
    def post(self, request, *args, **kwargs):
        self.product = get_object_or_404(product_browsable_queryset(), pk=kwargs["pk"])
        # Oscar's own post() would load the product again, by primary key alone.
        return super(oscar_views.BasketAddView, self).post(request, *args, **kwargs)
