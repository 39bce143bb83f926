from celery import shared_task

from .services.feeds import bank_feeds_pull
from .services.notifications import order_notify
from .services.orders import orders_expire_unpaid
from .services.stripe_card import stripe_intent_cancel
from .volume import cooperative_volume_rebuild_task  # noqa: F401  (registers the task with Celery)


@shared_task(bind=True, max_retries=5, retry_backoff=True, retry_backoff_max=600, acks_late=True)
def order_notify_task(self, order_id: int, event: str) -> int:
    try:
        return order_notify(order_id=order_id, event=event)
    except OSError as exc:  # mail server unreachable: try again later
        raise self.retry(exc=exc) from exc


@shared_task
def orders_expire_unpaid_task() -> int:
    return orders_expire_unpaid()


@shared_task(bind=True, max_retries=5, retry_backoff=True, retry_backoff_max=600)
def stripe_intent_cancel_task(self, order_id: int) -> bool:
    import stripe

    try:
        return stripe_intent_cancel(order_id=order_id)
    except stripe.APIConnectionError as exc:
        raise self.retry(exc=exc) from exc


@shared_task
def bank_feeds_pull_task(names: list[str] | None = None) -> list[dict]:
    """Pull every bank feed with an API key, or those named (``payments.services.feeds``); a summary for the log."""
    return [
        {"provider": r.provider, "ok": r.ok, "fetched": r.fetched, "new": r.new, "error": r.error}
        for r in bank_feeds_pull(names=names)
    ]
