"""Load through the production stack: the cluster test's stack (tests/cluster/stack.py: nginx,
two gunicorn nodes, a Celery worker and beat, PostgreSQL, Redis, moto's S3) on loopback, with
an asyncio client (aiohttp) on the same machine. Prints figures, asserts nothing.

- browse mix (home, catalogue, a filter, a search, product pages) at concurrency 8, 32, 64:
  requests/s and p50/p95/p99;
- guest checkouts end to end (basket, details, place) per second, and oversell;
- signed bank webhooks per second;
- the Celery worker's memory.

``python -m benchmarks load`` runs this section alone. The client shares the machine's two
cores with the stack, so the figures are a floor.
"""

import asyncio
import itertools
import json
import re
import ssl
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import aiohttp

SECONDS = 12  # per measurement, after a short warm-up
BROWSE_LEVELS = (8, 32, 64)
CHECKOUT_CONCURRENCY = 8
WEBHOOK_CONCURRENCY = 16


def _tls() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the stack's own self-signed certificate
    return context


def _percentiles(latencies: list[float]) -> tuple[float, float, float]:
    if len(latencies) < 2:
        return (latencies or [0.0])[0], 0.0, 0.0
    cuts = statistics.quantiles(latencies, n=100)
    return statistics.median(latencies), cuts[94], cuts[98]


async def _run_for(seconds: float, concurrency: int, one, session_factory) -> tuple[int, int, list[float]]:
    """Run ``one(session)`` in ``concurrency`` loops for ``seconds``; (done, errors, latencies)."""
    stop = time.monotonic() + seconds
    done = errors = 0
    latencies: list[float] = []

    async def loop():
        nonlocal done, errors
        async with session_factory() as session:
            while time.monotonic() < stop:
                started = time.monotonic()
                try:
                    ok = await one(session)
                except (TimeoutError, aiohttp.ClientError):
                    ok = False
                latencies.append(time.monotonic() - started)
                done += ok
                errors += not ok

    await asyncio.gather(*(loop() for _ in range(concurrency)))
    return done, errors, latencies


def _browse_urls(stack) -> list[str]:
    products = [
        f"/shop/catalogue/{slug}_{pk}/"
        for pk, slug in stack.sql("SELECT id, slug FROM catalogue_product WHERE is_public ORDER BY id LIMIT 8")
    ]
    return ["/", "/shop/catalogue/", "/shop/catalogue/?stars=5", "/shop/catalogue/?q=ch%C3%A8", *products]


async def _browse(stack, concurrency: int) -> str:
    urls = itertools.cycle(_browse_urls(stack))
    base = stack.url("")

    def factory():
        return aiohttp.ClientSession(base_url=base, connector=aiohttp.TCPConnector(ssl=_tls(), limit=0))

    async def one(session):
        async with session.get(next(urls)) as response:
            await response.read()
            return response.status == 200

    await _run_for(2, concurrency, one, factory)  # warm-up
    return _line("browse", concurrency, "req/s", *await _run_for(SECONDS, concurrency, one, factory))


def _line(what: str, concurrency: int, unit: str, done: int, errors: int, latencies: list[float]) -> str:
    p50, p95, p99 = _percentiles(latencies)
    return (
        f"{what:11} c={concurrency:<3} {done / SECONDS:7.1f} {unit}   p50 {p50 * 1000:6.0f} ms   "
        f"p95 {p95 * 1000:6.0f} ms   p99 {p99 * 1000:6.0f} ms   errors {errors}"
    )


def _csrf(session) -> str:
    for cookie in session.cookie_jar:
        if cookie.key == "csrftoken":
            return cookie.value
    return ""


async def _checkouts(stack) -> str:
    from django.urls import reverse

    from tests.factories import BUYER

    [(pk,)] = stack.sql("SELECT product_id FROM partner_stockrecord ORDER BY id LIMIT 1")
    stack.sql("UPDATE partner_stockrecord SET num_in_stock = 1000000, num_allocated = 0 WHERE product_id = %s", pk)
    base, counter = stack.url(""), itertools.count()
    paths = {
        "summary": reverse("basket:summary"),
        "add": reverse("basket:add", kwargs={"pk": pk}),
        "details": reverse("checkout:index"),
        "place": reverse("checkout:preview"),
    }

    def factory():  # each loop is a new buyer, with its own cookies
        return aiohttp.ClientSession(
            base_url=base,
            connector=aiohttp.TCPConnector(ssl=_tls(), limit=0),
            headers={"Referer": stack.url("/")},
            cookie_jar=aiohttp.CookieJar(unsafe=True),
        )

    async def one(session):
        session.cookie_jar.clear()
        async with session.get(paths["summary"]) as r:
            await r.read()
        async with session.post(
            paths["add"], data={"quantity": 1, "csrfmiddlewaretoken": _csrf(session)}, allow_redirects=False
        ) as r:
            if r.status != 302:
                return False
        details = {**BUYER, "email": f"tai-{next(counter)}@example.vn", "csrfmiddlewaretoken": _csrf(session)}
        async with session.post(paths["details"], data=details, allow_redirects=False) as r:
            if r.status != 302:
                return False
        async with session.post(
            paths["place"], data={"action": "place_order", "csrfmiddlewaretoken": _csrf(session)}, allow_redirects=False
        ) as r:
            return r.status == 302 and "/orders/" in r.headers.get("Location", "")

    [(before,)] = stack.sql("SELECT count(*) FROM order_order")
    measured = await _run_for(SECONDS, CHECKOUT_CONCURRENCY, one, factory)
    [(after,)] = stack.sql("SELECT count(*) FROM order_order")
    [(allocated,)] = stack.sql("SELECT num_allocated FROM partner_stockrecord WHERE product_id = %s", pk)
    line = _line("checkout", CHECKOUT_CONCURRENCY, "orders/s", *measured)
    return f"{line}   orders written {after - before}, units allocated {allocated}"


async def _webhooks(stack) -> str:
    from payments.bank_feeds import sepay
    from tests.bank_feeds import fixture_text
    from tests.cluster.stack import SEPAY_SECRET

    base, counter = stack.url(""), itertools.count()
    template = json.loads(fixture_text("sepay.json", number="999999", amount=150000))

    def factory():
        return aiohttp.ClientSession(base_url=base, connector=aiohttp.TCPConnector(ssl=_tls(), limit=0))

    async def one(session):
        event = {**template, "id": 900_000_000 + next(counter)}
        event["referenceCode"] = f"BENCH{event['id']}"
        body = json.dumps(event).encode()
        stamp = int(time.time())
        headers = {
            "X-SePay-Signature": sepay.sign(body, SEPAY_SECRET, stamp),
            "X-SePay-Timestamp": str(stamp),
            "Content-Type": "application/json",
        }
        async with session.post("/payments/webhooks/bank/sepay/", data=body, headers=headers) as r:
            await r.read()
            return r.status == 200

    return _line(
        "webhooks", WEBHOOK_CONCURRENCY, "events/s", *await _run_for(SECONDS, WEBHOOK_CONCURRENCY, one, factory)
    )


def _worker_memory(stack) -> str:
    root = stack.procs["worker"].pid
    pids = [root, *map(int, subprocess.run(["pgrep", "-P", str(root)], capture_output=True, text=True).stdout.split())]
    rss = []
    for pid in pids:
        status = Path(f"/proc/{pid}/status")
        if status.exists():
            match = re.search(r"VmRSS:\s+(\d+) kB", status.read_text())
            rss.append(int(match.group(1)) if match else 0)
    each = ", ".join(f"{r // 1024}" for r in rss)
    return f"worker      {len(rss)} processes, RSS {sum(rss) / 1024:.0f} MB in all ({each} MB)"


def run():
    import warnings

    from tests.cluster.stack import Stack

    warnings.filterwarnings("ignore", message="Unverified HTTPS request")
    print("\n== Load through the production stack (nginx, 2 gunicorn nodes × 2 workers, PostgreSQL, Redis, S3) ==")
    stack = Stack(base=Path(tempfile.mkdtemp(prefix="choso-load-")))
    try:
        started = time.monotonic()
        stack.start()
        print(f"stack up in {time.monotonic() - started:.0f} s (migrate, collectstatic, load_demo, 7 processes)")
        for level in BROWSE_LEVELS:
            print(asyncio.run(_browse(stack, level)), flush=True)
        print(asyncio.run(_checkouts(stack)), flush=True)
        print(asyncio.run(_webhooks(stack)), flush=True)
        print(_worker_memory(stack))
    finally:
        stack.close()
