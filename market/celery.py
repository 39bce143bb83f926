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
    # The statistics rollups (per-market facts, per-cooperative order record) are kept
    # current on each event; this rebuilds yesterday and today nightly in case one was lost.
    "rebuild-statistics": {
        "task": "market.stats.tasks.statistics_rebuild_recent_task",
        "schedule": crontab(hour=0, minute=30),
    },
}
