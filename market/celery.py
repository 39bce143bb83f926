"""The Celery app. Tasks live in each app's ``tasks.py``; the beat schedule lives here."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "market.settings.dev")

app = Celery("market")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {
    # Unpaid transfer and card orders expire after PAYMENT_EXPIRY; a 10-minute sweep is close enough.
    "expire-unpaid-orders": {"task": "payments.tasks.orders_expire_unpaid_task", "schedule": 600.0},
    # The per-cooperative daily record is kept current on each event; this recomputes
    # yesterday and today nightly in case an event was lost.
    "rebuild-cooperative-volume": {
        "task": "ocop_catalog.tasks.cooperative_volume_rebuild_recent_task",
        "schedule": crontab(hour=0, minute=30),
    },
    # Same for the per-market statistics (adoption, active stalls, onboarding).
    "rebuild-market-facts": {
        "task": "market.stats.tasks.statistics_rebuild_recent_task",
        "schedule": crontab(hour=0, minute=40),
    },
}
