"""Emails about an order: the buyer gets the whole order, each cooperative only its own lines.

Each (order, event, recipient) is sent at most once: the ``OrderNotification`` row is
written in the same transaction as the send, so a retried or duplicated task finds it
and stops, and a failed send rolls the row back for the retry.
"""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from core.urls import absolute_url
from payments import status
from payments.models import OrderNotification
from payments.selectors import order_detail_queryset, order_lines_by_cooperative

Order = get_model("order", "Order")
EVENTS = ("placed", "paid")


def _send_once(*, order, event: str, recipient: str, to: list[str], subject: str, body: str) -> bool:
    if not to:
        return False
    try:
        with transaction.atomic():
            OrderNotification.objects.create(order=order, event=event, recipient=recipient)
            send_mail(subject, body, settings.OSCAR_FROM_EMAIL, to)
    except IntegrityError:
        return False
    return True


def order_notify(*, order_id: int, event: str) -> int:
    """Send the emails for ``event`` ("placed" or "paid"). Returns how many were sent now."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    order = order_detail_queryset().filter(pk=order_id).first()
    if order is None:
        return 0
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "order": order,
            "event": event,
            "status_label": status.label(order.status),
            "order_url": absolute_url(reverse("payments:order-lookup") + f"?number={order.number}"),
        }
        subject = (
            _("Chợ Số: đã nhận đơn %(number)s") if event == "placed" else _("Chợ Số: đơn %(number)s đã thanh toán")
        ) % {"number": order.number}
        sent += _send_once(
            order=order,
            event=event,
            recipient="buyer",
            to=[order.email] if order.email else [],
            subject=subject,
            body=render_to_string("payments/email/buyer.txt", context),
        )
        for cooperative, lines in order_lines_by_cooperative(order):
            if cooperative is None:
                continue
            emails = sorted({u.email for u in cooperative.partner.users.all() if u.email})
            sent += _send_once(
                order=order,
                event=event,
                recipient=f"coop:{cooperative.pk}",
                to=emails,
                subject=subject,
                body=render_to_string(
                    "payments/email/cooperative.txt", {**context, "cooperative": cooperative, "lines": lines}
                ),
            )
    return sent


@shared_task(
    name="payments.tasks.order_notify_task",  # its name before it moved here: queued ones still run
    bind=True,
    max_retries=5,
    retry_backoff=True,
    retry_backoff_max=600,
    acks_late=True,
)
def order_notify_task(self, order_id: int, event: str) -> int:
    try:
        return order_notify(order_id=order_id, event=event)
    except OSError as exc:  # mail server unreachable: try again later
        raise self.retry(exc=exc) from exc
