"""The Celery app. Tasks live in each app's ``tasks.py``; the beat schedule lives here."""

from celery import Celery
from celery.schedules import crontab

app = Celery("market")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {
    # Unpaid transfer and card orders expire after PAYMENT_EXPIRY; a 10-minute sweep is close enough.
    "expire-unpaid-orders": {"task": "payments.tasks.orders_expire_unpaid_task", "schedule": 600.0},
    # The statistics rollups (per-market facts, per-cooperative order record) are kept
    # current on each event; this rebuilds yesterday and today nightly in case one was lost.
    "rebuild-statistics": {
        "task": "market.stats.tasks.statistics_rebuild_recent_task",
        "schedule": crontab(hour=0, minute=30),
    },
}


@app.on_after_finalize.connect
def _schedule_from_settings(sender, **kwargs):
    """Entries whose period is a setting (read once Django's settings are loaded)."""
    from django.conf import settings

    # Side effects the worker could not run when they were written (broker or worker down,
    # a failure to retry): core.outbox.
    sender.add_periodic_task(
        settings.OUTBOX_SWEEP_SECONDS, sender.signature("core.outbox.outbox_sweep_task"), name="sweep-outbox"
    )
    # Each bank feed with an API key is read back, to catch transfers its webhook never delivered.
    sender.add_periodic_task(
        settings.BANK_FEED_PULL_MINUTES * 60,
        sender.signature("payments.tasks.bank_feeds_pull_task"),
        name="pull-bank-feeds",
    )
