"""Fork of Oscar's checkout (label ``checkout``): one details page instead of four steps.

A buyer on 3G fills contact, address, delivery and payment method on one form, sees a
preview, and places the order. Oscar's step URL names still resolve (to the details
page), so Oscar templates that link to them keep working.
"""

from django.urls import path
from django.views.generic import RedirectView
from oscar.apps.checkout import apps


class CheckoutConfig(apps.CheckoutConfig):
    name = "payments.checkout"

    def get_urls(self):
        to_details = RedirectView.as_view(pattern_name="checkout:index")
        urls = [
            path("", self.index_view.as_view(), name="index"),
            path("preview/", self.payment_details_view.as_view(preview=True), name="preview"),
            path("thank-you/", self.thankyou_view.as_view(), name="thank-you"),
            path("shipping-address/", to_details, name="shipping-address"),
            path("shipping-method/", to_details, name="shipping-method"),
            path("payment-method/", to_details, name="payment-method"),
            path("payment-details/", to_details, name="payment-details"),
        ]
        return self.post_process_urls(urls)
