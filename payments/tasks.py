"""The payments app's Celery tasks. Tasks that belong to one module are defined there (the
order emails in services.notifications, the Stripe intent cancellation in gateways.stripe.api,
the cooperative record in volume) under the names they always had, and imported here so a
worker registers them."""

from celery import shared_task

from .gateways.stripe.api import stripe_intent_cancel_task  # noqa: F401  (registers the task)
from .services.feeds import bank_feeds_pull
from .services.notifications import order_notify_task  # noqa: F401  (registers the task)
from .services.orders import orders_expire_unpaid
from .volume import cooperative_volume_rebuild_task  # noqa: F401  (registers the task)


@shared_task
def orders_expire_unpaid_task() -> int:
    return orders_expire_unpaid()


@shared_task
def bank_feeds_pull_task(names: list[str] | None = None) -> list[dict]:
    """Pull every bank feed with an API key, or those named (``payments.services.feeds``); a summary for the log."""
    return [
        {"provider": r.provider, "ok": r.ok, "fetched": r.fetched, "new": r.new, "error": r.error}
        for r in bank_feeds_pull(names=names)
    ]
