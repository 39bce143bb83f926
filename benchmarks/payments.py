"""Webhook intake throughput: signed events verified, stored once and matched, per second.

Each event goes through the whole view (signature check on the raw body, JSON parse,
insert under the unique constraint, order matching). Target ≥ 200/s on PostgreSQL.
"""

import json
import threading
import time

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from oscar.core.loading import get_model

from payments.bank_feeds import sign
from payments.models import BankTransaction, StripeEvent

Order = get_model("order", "Order")
N_BANK = 1000
N_STRIPE = 1000
ORDERS = 100
WORKERS = 4  # a small server: gunicorn with a few workers


def _awaiting_orders() -> list:
    """A hundred orders awaiting a transfer, placed through the real checkout."""
    from oscar.core.loading import get_model as model

    product = model("catalogue", "Product").objects.filter(stockrecords__isnull=False).first()
    record = product.stockrecords.first()
    record.num_in_stock = (record.num_allocated or 0) + ORDERS + 10
    record.save()
    details = {
        "name": "Người mua thử",
        "phone": "0912 345 678",
        "shipping_method": "delivery",
        "province": "14",
        "commune": "3646",
        "street": "Số 1",
        "payment_method": "vietqr",
    }
    numbers = []
    for _ in range(ORDERS):
        client = Client()
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
        client.post(reverse("checkout:index"), details)
        response = client.post(reverse("checkout:preview"), {"action": "place_order"})
        numbers.append(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    return list(Order.objects.filter(number__in=numbers))


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:10,.0f} events/s   ({n:,} in {seconds:.2f} s; target 200/s on PostgreSQL)"


@override_settings(
    BANK_WEBHOOK_SECRET="bench-secret",
    STRIPE_WEBHOOK_SECRET="whsec_bench",
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
)
def run():
    from market.celery import app

    orders = _awaiting_orders()
    # As in production, the emails and rollups a payment triggers are queued for workers
    # rather than run inside the request; the figure is the intake's own.
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    try:
        _measure(orders)
    finally:
        app.conf.task_always_eager = eager


def _post_all(url: str, requests: list[tuple[bytes, dict]], workers: int) -> float:
    """Post every (body, headers) with ``workers`` threads, each with its own client and connection."""
    chunks = [requests[i::workers] for i in range(workers)]

    def worker(chunk):
        client = Client()
        try:
            for body, headers in chunk:
                client.post(url, data=body, content_type="application/json", **headers)
        finally:
            connection.close()

    start = time.perf_counter()
    if workers == 1:
        worker(requests)
    else:
        threads = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return time.perf_counter() - start


def _bank_requests(orders, tag: str) -> list[tuple[bytes, dict]]:
    requests = []
    for i in range(N_BANK):
        # One in ten pays an order exactly; the rest carry no order reference.
        order = orders[(i // 10) % len(orders)] if i % 10 == 0 and orders else None
        if order is not None and order.status == "awaiting-payment":
            item = {"id": f"{tag}-{i}", "amount": int(order.total_incl_tax), "description": f"CK CS{order.number}"}
        else:
            item = {"id": f"{tag}-{i}", "amount": 50000 + i, "description": f"tien hang {i}"}
        body = json.dumps(item).encode()
        requests.append((body, {"HTTP_X_SIGNATURE": sign(body, settings.BANK_WEBHOOK_SECRET)}))
    return requests


def _stripe_requests(tag: str) -> list[tuple[bytes, dict]]:
    import stripe

    now = int(time.time())
    requests = []
    for i in range(N_STRIPE):
        event = {
            "id": f"evt_{tag}_{i}",
            "type": "charge.updated",
            "created": now,
            "data": {"object": {"id": f"ch_{i}"}},
        }
        body = json.dumps(event).encode()
        sig = stripe.WebhookSignature._compute_signature(f"{now}.{body.decode()}", settings.STRIPE_WEBHOOK_SECRET)
        requests.append((body, {"HTTP_STRIPE_SIGNATURE": f"t={now},v1={sig}"}))
    return requests


def _measure(orders):
    run_id = int(time.time())
    bank_url = reverse("payments:bank-webhook", kwargs={"provider": "generic"})
    stripe_url = reverse("payments:stripe-webhook")
    print(f"\n== Webhook intake ({connection.vendor}; each event verified, stored once, matched) ==")
    for workers in (1, WORKERS):
        tag = f"{run_id}-{workers}"
        before = BankTransaction.objects.count()
        seconds = _post_all(bank_url, _bank_requests(orders, f"b{tag}"), workers)
        stored = BankTransaction.objects.count() - before
        paid = Order.objects.filter(pk__in=[o.pk for o in orders], status="paid").count()
        print(f"bank, {workers} worker(s)      {_rate(N_BANK, seconds)}; {stored:,} stored, {paid} orders paid")
        before = StripeEvent.objects.count()
        seconds = _post_all(stripe_url, _stripe_requests(f"s{tag}"), workers)
        stored = StripeEvent.objects.count() - before
        print(f"Stripe, {workers} worker(s)    {_rate(N_STRIPE, seconds)}; {stored:,} stored")
