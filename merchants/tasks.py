from celery import shared_task

from .services import placard_batch_render


@shared_task(bind=True, max_retries=2, retry_backoff=True, acks_late=True)
def placard_batch_render_task(self, batch_id: int) -> None:
    placard_batch_render(batch_id=batch_id)
