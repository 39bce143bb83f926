"""The transactional outbox: a side effect is a row written with its change, carried out once
by the worker, and by the sweeper when the broker or the worker was down."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from core import outbox
from core.models import OutboxEffect
from payments.services.notifications import order_notify_task
from tests.factories import CooperativeFactory, checkout, make_product

pytestmark = pytest.mark.django_db


def _broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(outbox.outbox_run_task, "delay", refuse)


def _emails_to(address: str) -> int:
    return sum(1 for m in mail.outbox if m.to == [address])


def _later(minutes: int = 5) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_an_order_placed_while_the_broker_is_down_is_emailed_once_by_the_sweeper(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    product = make_product(cooperative=CooperativeFactory(), title="Chè Shan tuyết", price=90000, stock=5)
    _broker_down(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        response = checkout(client, [product])
    assert response.status_code == 302  # the buyer's order is placed all the same
    assert _emails_to("lan@example.vn") == 0
    pending = OutboxEffect.objects.filter(task=order_notify_task.name, done_at=None)
    assert [effect.args[1] for effect in pending] == ["placed"]

    assert outbox.effects_sweep(now=timezone.now()) == 0  # not due yet: the worker gets a minute first
    assert outbox.effects_sweep(now=_later()) >= 1
    assert outbox.effects_sweep(now=_later()) == 0
    assert _emails_to("lan@example.vn") == 1
    done = OutboxEffect.objects.get(task=order_notify_task.name)
    assert done.done_at is not None and done.args == []  # the order's details do not stay behind


def test_a_rolled_back_change_leaves_no_effect():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.effect_add(order_notify_task, 1, "placed")
        raise RuntimeError("refused")
    assert not OutboxEffect.objects.exists()


def test_a_failing_effect_is_retried_with_backoff_then_given_up(monkeypatch, django_capture_on_commit_callbacks):
    from market.stats import tasks

    def down(**kwargs):
        raise ConnectionError("mail server unreachable")

    monkeypatch.setattr(tasks, "market_facts_rebuild", down)
    with django_capture_on_commit_callbacks(execute=True):
        effect = outbox.effect_add(tasks.market_facts_rebuild_task, "2026-12-03", [1])  # runs at once, fails
    effect.refresh_from_db()
    assert (effect.attempts, effect.done_at, effect.last_error) == (1, None, "ConnectionError: mail server unreachable")
    first_wait = effect.due_at - timezone.now()
    assert datetime.timedelta(seconds=55) < first_wait <= datetime.timedelta(minutes=1)
    outbox.effects_sweep(now=effect.due_at)
    effect.refresh_from_db()
    assert effect.attempts == 2
    assert datetime.timedelta(seconds=115) < effect.due_at - timezone.now() <= datetime.timedelta(minutes=2)
    OutboxEffect.objects.filter(pk=effect.pk).update(attempts=outbox.MAX_ATTEMPTS - 1)
    outbox.effects_sweep(now=_later(60 * 24 * 7))
    effect.refresh_from_db()
    assert (effect.attempts, effect.due_at, effect.done_at) == (outbox.MAX_ATTEMPTS, None, None)  # given up, kept
    assert outbox.effects_sweep(now=_later(60 * 24 * 30)) == 0


def test_done_effects_are_forgotten_after_a_week(monkeypatch, django_capture_on_commit_callbacks):
    from market.stats import tasks

    monkeypatch.setattr(tasks, "market_facts_rebuild", lambda **kwargs: 0)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.effect_add(tasks.market_facts_rebuild_task, "2026-12-03", [1])
    assert OutboxEffect.objects.get().done_at is not None
    outbox.effects_sweep(now=_later(60 * 24 * 6))
    assert OutboxEffect.objects.count() == 1
    outbox.effects_sweep(now=_later(60 * 24 * 8))
    assert not OutboxEffect.objects.exists()
