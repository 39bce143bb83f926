"""The kernel's Celery tasks (imported so a worker registers them)."""

from .outbox import outbox_run_task, outbox_sweep_task

__all__ = ["outbox_run_task", "outbox_sweep_task"]
