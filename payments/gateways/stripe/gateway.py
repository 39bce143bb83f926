"""Card payment through Stripe, as a checkout gateway: offered when configured, the card step
on the order page, and the intent cancelled when an unpaid order is voided."""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy

from core.outbox import effect_add
from payments import status

from ..base import Gateway, NextStep
from .api import amount_check, stripe_intent_cancel_task, stripe_intent_for_order


class StripeCardGateway(Gateway):
    """Card payment through Stripe (an operator account abroad): one PaymentIntent per order.

    Offered only when both Stripe keys are configured. Stripe.js is loaded on the order
    page's card step alone; every other page stays free of third-party scripts.
    """

    code = "card"
    label = gettext_lazy("Thẻ Visa/Mastercard")
    help_text = gettext_lazy("Nhập thẻ ở bước sau; thẻ được xử lý bởi Stripe.")
    initial_status = status.AWAITING_PAYMENT

    def is_enabled(self) -> bool:
        # Without the webhook secret no payment could ever be confirmed: not offered then.
        return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY and settings.STRIPE_WEBHOOK_SECRET)

    def check(self, request):
        amount_check(request.amount)

    def source_reference(self, order_number: str) -> str:
        return f"order-{order_number}"

    def on_void(self, order) -> None:
        # The card can no longer be charged for an order that expired or was cancelled.
        effect_add(stripe_intent_cancel_task, order.pk)

    def next_step(self, *, order, request):
        if order.status != status.AWAITING_PAYMENT:
            return None
        intent = stripe_intent_for_order(order=order)
        if intent is None:
            return None
        return NextStep(
            "payments/next_step/card.html",
            {
                "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
                "client_secret": intent.client_secret,
                "stripe_js_url": settings.STRIPE_JS_URL,
            },
            csp_update=stripe_csp_sources(),
        )


def stripe_csp_sources() -> dict:
    """What Stripe.js needs beyond our own origin: its script and the card fields' frames
    (STRIPE_JS_URL's origin) and its API (STRIPE_API_BASE's origin). With Stripe itself,
    3-D Secure challenges also open frames from hooks.stripe.com."""
    js, api = _origin(settings.STRIPE_JS_URL), _origin(settings.STRIPE_API_BASE)
    frames = [js, "https://hooks.stripe.com"] if js == "https://js.stripe.com" else [js]
    return {"script-src": [js], "frame-src": frames, "connect-src": [api]}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
