"""The transactional outbox: side effects are rows written with the change that causes them.

``effect_add(task, *args)`` inside a transaction writes an ``OutboxEffect`` row; once the
transaction commits, ``outbox_run_task`` is queued to carry it out at once. If the broker is
down then, or the worker dies, the row stays: ``outbox_sweep_task`` (beat, every minute) runs
every effect that is due, with backoff after a failure. A rolled-back change leaves no row,
so no email for an order that was never placed.

Each effect runs at most once. A row is locked while it runs (``skip_locked``: two workers
never run the same row), and is marked done in the same transaction as the effect's own
database writes (an ``OrderNotification`` row, a rebuilt rollup). Effects that talk to the
outside (SMTP, SMS, Stripe) keep their own idempotency keys for the rare crash between the
send and the commit.

Effects with the same ``key`` (a statistics rebuild of one market and day) are carried out
together by whichever runner picks up the first of them: fifty approvals in one transaction
are one rebuild. Two runners starting at the same instant may each do that work once; keys
are only used for idempotent work, where that costs time, never a wrong figure.
"""

import datetime
import logging

from celery import current_app, shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import OutboxEffect

logger = logging.getLogger(__name__)


def sweep_grace() -> datetime.timedelta:
    """The worker normally runs an effect within a second of the commit; the sweeper (every
    ``OUTBOX_SWEEP_SECONDS``) leaves it that long before stepping in, so the two rarely meet
    (and the row lock settles it if they do). Also the first wait after a failure."""
    return datetime.timedelta(seconds=settings.OUTBOX_SWEEP_SECONDS)


MAX_ATTEMPTS = 12  # backoff doubles from the sweep period: about 2 days (at 60 s) before giving up
SWEEP_BATCH = 200
KEEP_DONE = datetime.timedelta(days=7)


def effect_add(task, *args, key: str = "") -> OutboxEffect:
    """Write the effect ``task(*args)`` (a Celery task; JSON arguments) with this transaction."""
    due = timezone.now() + sweep_grace()
    effect = OutboxEffect.objects.create(task=task.name, args=list(args), key=key, due_at=due)
    pk = effect.pk
    transaction.on_commit(lambda: outbox_run_task.delay(pk), robust=True)
    return effect


def effect_run(pk: int) -> bool:
    """Carry out the effect ``pk`` (and pending ones with the same key) if no one else is.
    Returns whether it ran and succeeded."""
    with transaction.atomic():
        effect = OutboxEffect.objects.select_for_update(skip_locked=True).filter(pk=pk, done_at=None).first()
        if effect is None or effect.due_at is None:  # done, running elsewhere, or given up
            return False
        same = [effect.pk]
        if effect.key:
            same += list(
                OutboxEffect.objects.select_for_update(skip_locked=True)
                .filter(key=effect.key, done_at=None, due_at__isnull=False)
                .exclude(pk=effect.pk)
                .values_list("pk", flat=True)
            )
        now = timezone.now()
        try:
            with transaction.atomic():
                current_app.tasks[effect.task](*effect.args)
        except Exception as exc:  # noqa: BLE001  any failure is retried later, never raised to the caller
            effect.attempts += 1
            effect.last_error = f"{type(exc).__name__}: {exc}"[:500]
            wait = sweep_grace() * 2 ** (effect.attempts - 1)
            effect.due_at = None if effect.attempts >= MAX_ATTEMPTS else now + wait
            effect.save(update_fields=["attempts", "last_error", "due_at"])
            logger.warning("outbox %s #%s failed (attempt %s): %s", effect.task, pk, effect.attempts, effect.last_error)
            return False
        # The arguments go (a text may hold a one-time code, an email an order's details).
        OutboxEffect.objects.filter(pk__in=same).update(done_at=now, args=[], last_error="")
        return True


def effects_sweep(*, now: datetime.datetime | None = None) -> int:
    """Run every effect that is due and not done (the broker was down, or a worker died), and
    forget those done over ``KEEP_DONE`` ago. Returns how many ran successfully."""
    now = now or timezone.now()
    OutboxEffect.objects.filter(done_at__lt=now - KEEP_DONE).delete()
    due = OutboxEffect.objects.filter(done_at=None, due_at__lte=now)
    ran = 0
    for pk in due.order_by("due_at", "pk").values_list("pk", flat=True)[:SWEEP_BATCH]:
        ran += effect_run(pk)
    return ran


@shared_task(acks_late=True, reject_on_worker_lost=True)
def outbox_run_task(pk: int) -> bool:
    return effect_run(pk)


@shared_task
def outbox_sweep_task() -> int:
    return effects_sweep()
