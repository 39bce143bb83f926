"""The merchants app's Celery tasks, defined beside the services they run (under the names they
always had) and imported here so a worker registers them."""

from .services.notices import merchant_notice_send_task, organisers_notify_account_change_task
from .services.qr import placard_batch_render_task

__all__ = ["merchant_notice_send_task", "organisers_notify_account_change_task", "placard_batch_render_task"]
