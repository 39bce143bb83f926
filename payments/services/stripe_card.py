"""Stripe card payments: one PaymentIntent per order, and webhook events applied once.

* The PaymentIntent is created with the idempotency key ``choso-order-<number>`` and kept
  in ``StripePaymentIntent`` (one-to-one with the order), so a reload, a second tab or a
  retry after a timeout all get the same intent.
* A webhook is verified on its raw body with a 300 s tolerance, then stored once by event
  id (unique constraint) before it is applied; ``order_pay`` keeps a paid order paid.
"""

import json
import logging
from decimal import Decimal

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from oscar.apps.payment.exceptions import PaymentError
from oscar.core.loading import get_model

from payments import status
from payments.gateways.card_stripe import amount_check
from payments.models import StripeEvent, StripePaymentIntent

from .orders import order_pay

Order = get_model("order", "Order")
logger = logging.getLogger(__name__)
WEBHOOK_TOLERANCE = 300


class StripeWebhookError(ValueError):
    """The webhook is not a verifiable Stripe event; the message says why."""


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


def stripe_event_verify(*, payload: bytes, signature: str) -> dict:
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature, settings.STRIPE_WEBHOOK_SECRET, WEBHOOK_TOLERANCE
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as exc:
        raise StripeWebhookError(str(exc)) from None
    try:
        event = json.loads(payload)
    except ValueError:
        raise StripeWebhookError("body is not JSON") from None
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise StripeWebhookError("not a Stripe event")
    return event


def stripe_event_apply(*, event: dict) -> tuple[StripeEvent, bool]:
    """Store the event once by id and apply it. Returns (row, created); a redelivery changes nothing."""
    try:
        with transaction.atomic():
            row = StripeEvent.objects.create(event_id=event["id"], type=event["type"], payload=event)
            _apply(row, event)
    except IntegrityError:
        # Stored before: a redelivery, or a concurrent delivery of the same event that won.
        return StripeEvent.objects.get(event_id=event["id"]), False
    return row, True


def _apply(row: StripeEvent, event: dict) -> None:
    obj = (event.get("data") or {}).get("object") or {}
    if event["type"] != "payment_intent.succeeded" or obj.get("object", "payment_intent") != "payment_intent":
        return
    intent = StripePaymentIntent.objects.filter(intent_id=obj.get("id")).first()
    if intent is None:
        return
    row.order_id = intent.order_id
    row.save(update_fields=["order"])
    received = Decimal(obj.get("amount_received") or obj.get("amount") or 0)
    outcome = order_pay(
        order_id=intent.order_id, amount=received, reference=f"stripe:{obj.get('id')}", expected_method="card"
    )
    if not outcome.paid:
        logger.warning("Stripe payment %s for order %s not applied: %s", obj.get("id"), intent.order_id, outcome.reason)
        row.needs_review, row.reason = True, outcome.reason[:255]
        row.save(update_fields=["needs_review", "reason"])
