from celery import shared_task
from django.db import DatabaseError

from core.sms import SmsTemporaryError

from .services import merchant_notice_send, organisers_notify_account_change, placard_batch_render


@shared_task(autoretry_for=(DatabaseError,), max_retries=2, retry_backoff=True, acks_late=True)
def placard_batch_render_task(batch_id: int) -> None:
    placard_batch_render(batch_id=batch_id)


@shared_task(bind=True, max_retries=5, retry_backoff=True, retry_backoff_max=600)
def organisers_notify_account_change_task(self, application_id: int) -> int:
    try:
        return organisers_notify_account_change(application_id=application_id)
    except OSError as exc:  # mail server unreachable: try again later
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, max_retries=6, retry_backoff=30, retry_backoff_max=900, ignore_result=True)
def merchant_notice_send_task(
    self, merchant_id: int, application_id: int | None, kind: str, text: str, request_id: str
) -> bool:
    """A text to the vendor's phone; what a retry may cure (network, provider busy) is retried."""
    try:
        return merchant_notice_send(
            merchant_id=merchant_id, application_id=application_id, kind=kind, text=text, request_id=request_id
        )
    except SmsTemporaryError as exc:
        raise self.retry(exc=exc) from exc
