"""Storefront figures: page weight (gzip), SQL queries, and median server time."""

import gzip
import re
import statistics
import time

from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

REQUESTS = 200


def page_weight(client: Client, url: str) -> dict:
    html = client.get(url).content
    assets = re.findall(rb'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"', html)
    sizes = {"html": len(gzip.compress(html)), "css": 0, "js": 0, "fonts": 0, "other": 0}
    for asset in assets:
        path = finders.find(asset.decode().removeprefix("/static/"))
        body = open(path, "rb").read()
        suffix = path.rsplit(".", 1)[-1]
        kind = {"js": "js", "css": "css", "woff2": "fonts", "woff": "fonts", "ttf": "fonts"}.get(suffix, "other")
        sizes[kind] += len(gzip.compress(body))
    photos = len(re.findall(rb"<img ", html))
    return {**sizes, "total": sum(sizes.values()), "photos": photos}


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def median_ms(client: Client, url: str, n: int = REQUESTS) -> tuple[float, float]:
    client.get(url)  # warm renditions and caches
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def run():
    product = get_model("catalogue", "Product").objects.filter(upc="SL-CP-01").first()
    client = Client()
    pages = {
        "home": "/",
        "catalogue": "/shop/catalogue/",
        "catalogue 5★ + search": "/shop/catalogue/?stars=5&q=che",
        "product": product.get_absolute_url(),
    }
    print("\n== Storefront: page weight (gzip, KB; photos excluded) ==")
    columns = "".join(f" {c:>6}" for c in ("html", "css", "js", "fonts", "other"))
    print(f"{'page':24}{columns} {'total':>7}  (budget 100 KB, js 30 KB)")
    for name, url in pages.items():
        w = page_weight(client, url)
        print(
            f"{name:24} {w['html'] / 1024:6.1f} {w['css'] / 1024:6.1f} {w['js'] / 1024:6.1f} "
            f"{w['fonts'] / 1024:6.1f} {w['other'] / 1024:6.1f} {w['total'] / 1024:7.1f}  ({w['photos']} photos)"
        )
    print("\n== Storefront: SQL queries per request (anonymous) ==")
    for name, url in pages.items():
        print(f"{name:24} {queries(client, url):3d}")
    print(f"\n== Storefront: server time over {REQUESTS} requests (in-process test client) ==")
    for name in ("catalogue", "product"):
        med, p95 = median_ms(client, pages[name])
        print(f"{name:24} median {med:6.1f} ms   p95 {p95:6.1f} ms")
