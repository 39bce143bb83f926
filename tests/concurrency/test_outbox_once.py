"""Real threads against PostgreSQL: an outbox effect picked up by several workers (the worker
and the sweeper, or two sweepers) at once runs exactly once."""

import threading
import time

import pytest
from django.utils import timezone

from core import outbox
from core.models import OutboxEffect
from market.stats import tasks
from tests.concurrency.test_no_double_effects import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_eight_runners_at_once_carry_out_each_effect_exactly_once(monkeypatch):
    calls, lock = [], threading.Lock()

    def slow_rebuild(*, day, market_ids):
        with lock:
            calls.append((day.isoformat(), market_ids))
        time.sleep(0.3)  # long enough for every other runner to arrive while it runs
        return 0

    monkeypatch.setattr(tasks, "market_facts_rebuild", slow_rebuild)
    monkeypatch.setattr(outbox.outbox_run_task, "delay", lambda pk: None)  # the broker is down
    effects = [outbox.effect_add(tasks.market_facts_rebuild_task, "2026-12-03", [market]) for market in (7, 8, 9)]
    later = timezone.now() + outbox.sweep_grace() * 2
    runners = [lambda e=e: outbox.effect_run(e.pk) for e in effects] + [
        lambda: outbox.effects_sweep(now=later) for _ in range(5)
    ]
    run_together(runners)
    assert sorted(calls) == [("2026-12-03", [7]), ("2026-12-03", [8]), ("2026-12-03", [9])]
    assert OutboxEffect.objects.filter(done_at=None).count() == 0
