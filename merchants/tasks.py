from celery import shared_task
from django.db import DatabaseError

from .services import organisers_notify_account_change, placard_batch_render


@shared_task(autoretry_for=(DatabaseError,), max_retries=2, retry_backoff=True, acks_late=True)
def placard_batch_render_task(batch_id: int) -> None:
    placard_batch_render(batch_id=batch_id)


@shared_task(bind=True, max_retries=5, retry_backoff=True, retry_backoff_max=600)
def organisers_notify_account_change_task(self, stall_id: int) -> int:
    try:
        return organisers_notify_account_change(stall_id=stall_id)
    except OSError as exc:  # mail server unreachable: try again later
        raise self.retry(exc=exc) from exc
