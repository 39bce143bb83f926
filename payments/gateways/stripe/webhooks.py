"""Stripe webhooks: verified on the raw body with Stripe's scheme (300 s tolerance), stored
once by event id (unique constraint) before they are applied; ``order_pay`` keeps a paid order paid."""

import json
import logging
from decimal import Decimal

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction

from payments.models import StripeEvent, StripePaymentIntent
from payments.services.orders import order_pay

logger = logging.getLogger(__name__)
WEBHOOK_TOLERANCE = 300


class StripeWebhookError(ValueError):
    """The webhook is not a verifiable Stripe event; the message says why."""


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
