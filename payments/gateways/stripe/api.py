"""Stripe's API for card payments: one PaymentIntent per order, and its cancellation.

The PaymentIntent is created with the idempotency key ``choso-order-<number>`` and kept in
``StripePaymentIntent`` (one-to-one with the order), so a reload, a second tab or a retry
after a timeout all get the same intent. VND is zero-decimal: amounts are whole dong.
"""

from decimal import Decimal

import stripe
from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from oscar.apps.payment.exceptions import PaymentError, UnableToTakePayment
from oscar.core.loading import get_model

from core.money import format_vnd
from payments import status
from payments.models import StripePaymentIntent

Order = get_model("order", "Order")


def amount_check(amount) -> None:
    """VND is zero-decimal: Stripe takes whole dong. Refuse what Stripe would refuse, with a clear reason."""
    amount = Decimal(amount)
    if amount < settings.STRIPE_VND_MIN or amount > settings.STRIPE_VND_MAX:
        raise UnableToTakePayment(
            _(
                "Thanh toán thẻ nhận đơn từ %(min)s đến %(max)s. Đơn này là %(amount)s; "
                "hãy chọn chuyển khoản hoặc trả tiền khi nhận."
            )
            % {
                "min": format_vnd(settings.STRIPE_VND_MIN),
                "max": format_vnd(settings.STRIPE_VND_MAX),
                "amount": format_vnd(amount),
            }
        )


def _client() -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=2,
    )


def idempotency_key(order) -> str:
    return f"choso-order-{order.number}"


def stripe_intent_for_order(*, order) -> StripePaymentIntent | None:
    """The order's PaymentIntent, created on first use; None once the order no longer awaits payment.

    No row lock is held across the call to Stripe. Two concurrent first calls send the same
    idempotency key, so Stripe returns one intent; the one-to-one row keeps one copy.
    """
    existing = StripePaymentIntent.objects.filter(order=order).first()
    if existing is not None:
        return existing
    if not Order.objects.filter(pk=order.pk, status=status.AWAITING_PAYMENT).exists():
        return None
    amount = Decimal(order.total_incl_tax)
    amount_check(amount)
    try:
        intent = _client().v1.payment_intents.create(
            params={
                "amount": int(amount),  # VND is zero-decimal: whole dong, never ×100
                "currency": "vnd",
                "payment_method_types": ["card"],
                "metadata": {"order_number": order.number},
            },
            options={"idempotency_key": idempotency_key(order)},
        )
    except stripe.StripeError as exc:
        raise PaymentError(str(exc)) from exc
    try:
        with transaction.atomic():
            return StripePaymentIntent.objects.create(
                order=order, intent_id=intent.id, client_secret=intent.client_secret, amount=amount
            )
    except IntegrityError:
        return StripePaymentIntent.objects.get(order=order)


def stripe_intent_cancel(*, order_id: int) -> bool:
    """Cancel the PaymentIntent of an order that expired or was cancelled, so the card can no
    longer be charged for it. Returns False when there is none or Stripe refuses (already paid)."""
    intent = StripePaymentIntent.objects.filter(order_id=order_id).first()
    if intent is None:
        return False
    try:
        _client().v1.payment_intents.cancel(intent.intent_id)
    except stripe.InvalidRequestError:  # already succeeded or cancelled at Stripe
        return False
    return True


@shared_task(
    name="payments.tasks.stripe_intent_cancel_task",  # its name before it moved here: queued ones still run
    bind=True,
    max_retries=5,
    retry_backoff=True,
    retry_backoff_max=600,
)
def stripe_intent_cancel_task(self, order_id: int) -> bool:
    try:
        return stripe_intent_cancel(order_id=order_id)
    except stripe.APIConnectionError as exc:
        raise self.retry(exc=exc) from exc
