"""Statistics at the size of a real province: the dashboard's server time and query count
at 1k and at 1M order lines, the time to rebuild one day, and the same figures computed
naively from the raw records with the ORM, for comparison.

Each size lives in its own PostgreSQL database (``choso_bench_stats_<size>``), seeded once
by ``seed_scale`` and kept between runs (seeding 1M orders takes minutes). Each is measured
in a subprocess with its own DATABASE_URL. Without PostgreSQL both sizes are skipped.

    python -m benchmarks.statistics            # what make bench runs
    BENCH_STATS_SIZES=small python -m benchmarks.statistics
"""

import datetime
import json
import os
import statistics
import subprocess
import sys
import time

SIZES = {
    "small": {"orders": 1000, "stalls": 100},
    "1m": {"orders": 1_000_000, "stalls": 20_000},
}
REQUESTS = 40
SEED_VERSION = "2"  # bump when scale.py changes what it seeds


def _pg_database(name: str) -> str | None:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2, autocommit=True) as db:
            if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                db.execute(f'CREATE DATABASE "{name}"')
        return f"postgres://postgres@127.0.0.1:5432/{name}"
    except Exception:  # noqa: BLE001 - no PostgreSQL here
        return None


def run():
    print("\n== Statistics: dashboard on rollups vs naive ORM aggregation ==")
    wanted = os.environ.get("BENCH_STATS_SIZES", "small,1m").split(",")
    results = {}
    for size in wanted:
        url = _pg_database(f"choso_bench_stats_{size}")
        if url is None:
            print(f"  {size}: skipped (needs PostgreSQL on 127.0.0.1:5432)")
            continue
        env = {**os.environ, "DATABASE_URL": url}
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.statistics", "--worker", size],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            print(f"  {size}: failed\n{done.stderr[-2000:]}")
            continue
        results[size] = json.loads(done.stdout.strip().splitlines()[-1])
    if not results:
        return
    print(
        f"{'size':>6} {'orders':>9} {'lines':>9} {'stalls':>7} {'seed s':>7}  {'view':10} {'queries':>7} "
        f"{'median ms':>9} {'p95 ms':>7}"
    )
    for size, r in results.items():
        for index, (view, (queries, median_ms, p95_ms)) in enumerate(r["views"].items()):
            head = (
                f"{size:>6} {r['orders']:>9} {r['lines']:>9} {r['stalls']:>7} {r['seed_s']:>7}"
                if index == 0
                else " " * 42
            )
            print(f"{head}  {view:10} {queries:>7} {median_ms:>9.1f} {p95_ms:>7.1f}")
    print(f"{'size':>6} {'day rebuild ms':>15} {'naive (raw ORM) median ms':>26} {'p95 ms':>7} {'same totals':>12}")
    for size, r in results.items():
        print(
            f"{size:>6} {r['rebuild_day_ms']:>15.1f} {r['naive_median_ms']:>26.1f} {r['naive_p95_ms']:>7.1f} "
            f"{'yes' if r['same'] else 'NO':>12}"
        )
    print("  target: p95 ≤ 300 ms at 1M lines; the query count is the same at every size")
    print("  (seed s: time to seed this database, 0 when it was already seeded; day rebuild: both rollups, one day)")


# --- The worker: one database, one size ---------------------------------------------------


def _seed(size: str) -> float:
    from django.core.management import call_command
    from oscar.core.loading import get_model

    from market.stats.models import ProvinceTarget

    marker = f"bench-{size}-v{SEED_VERSION}"
    if (
        ProvinceTarget.objects.filter(province_code=14, target_percent=80).exists()
        and get_model("order", "Order").objects.filter(number=marker).exists()
    ):
        return 0.0
    started = time.perf_counter()
    call_command("flush", interactive=False, verbosity=0)
    call_command("seed_scale", stdout=open(os.devnull, "w"), **SIZES[size])
    ProvinceTarget.objects.update_or_create(province_code=14, defaults={"target_percent": 80})
    get_model("order", "Order").objects.create(number=marker, total_incl_tax=0, total_excl_tax=0, status="cancelled")
    return round(time.perf_counter() - started, 1)


def _timed(fn, n: int) -> tuple[float, float]:
    fn()  # warm
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)]


def naive_figures(f) -> dict:
    """The dashboard's headline figures straight from the raw records with the ORM: live QRs
    per market at the period's end, and orders, revenue and paid cashless orders per
    cooperative over the period (what the rollups exist to avoid)."""
    from django.db.models import Count, Q, Sum
    from oscar.core.loading import get_model

    from merchants.models import IssuedQR
    from payments import status
    from payments.volume import local_day_bounds

    Line = get_model("order", "Line")
    _start, end = local_day_bounds(f.last)
    first, _end = local_day_bounds(f.first)
    live = (
        IssuedQR.objects.filter(f.area.q("stall__market__"), issued_at__lt=end)
        .filter(Q(revoked_at__isnull=True) | Q(revoked_at__gte=end))
        .values("stall__market_id")
        .annotate(n=Count("stall_id", distinct=True))
        .order_by()
    )
    lines = (
        Line.objects.filter(
            f.area.q("partner__cooperative__"), order__date_placed__gte=first, order__date_placed__lt=end
        )
        .exclude(order__status__in=status.VOID)
        .values("partner__cooperative__id", "order__sources__source_type__code")
        .annotate(
            orders=Count("order", distinct=True),
            revenue=Sum("line_price_incl_tax"),
            paid=Count("order", filter=Q(order__status=status.PAID), distinct=True),
        )
        .order_by()
    )
    qr_live = sum(r["n"] for r in live)
    orders = sum(r["orders"] for r in lines)
    revenue = sum(r["revenue"] or 0 for r in lines)
    cashless = sum(r["paid"] for r in lines if r["order__sources__source_type__code"] in ("vietqr", "card"))
    return {"qr_live": qr_live, "orders": orders, "revenue": int(revenue), "cashless": cashless}


def rollup_figures(f) -> dict:
    from market.stats import reports

    data = reports.dashboard(filters=f)
    facts = reports.adoption_facts(filters=f, day=reports.snapshot_day(filters=f))
    methods = data["methods"].rows
    return {
        "qr_live": sum(x.qr_live for x in facts),
        "orders": sum(r["orders"] for r in methods),
        "revenue": int(sum(r["revenue"] for r in methods)),
        "cashless": sum(r["paid"] for r in methods if r["label"] in _cashless_labels()),
    }


def _cashless_labels() -> set[str]:
    from payments.gateways import all_gateways

    return {str(g.label) for g in all_gateways().values() if g.cashless}


def worker(size: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "market.settings.dev")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    django.setup()
    from django.contrib.auth.models import Permission, User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from oscar.core.loading import get_model

    from core.areas import Area
    from market.stats.forms import StatsFilterForm
    from market.stats.rollup import statistics_rebuild
    from merchants.models import OrganiserArea, Stall

    call_command("migrate", verbosity=0, interactive=False)
    seed_s = _seed(size)
    # What the nightly beat task does: the seeded history may be from an earlier day.
    call_command("rebuild_statistics", days=2, stdout=open(os.devnull, "w"))
    official, _created = User.objects.get_or_create(username="bench-official")
    official.user_permissions.add(Permission.objects.get(codename="view_statistics"))
    OrganiserArea.objects.get_or_create(user=official, defaults={"province_code": 14})
    client = Client()
    client.force_login(official)
    today = timezone.localdate()
    year = today.replace(year=today.year - 1) + datetime.timedelta(days=1)
    views = {
        "30 days": "/stats/",
        "12 months": f"/stats/?date_from={year.isoformat()}&date_to={today.isoformat()}&grain=month",
    }
    timings = {}
    client.get("/stats/")  # warm the per-process caches (content types, site) before counting
    for name, url in views.items():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        timings[name] = (len(ctx.captured_queries), *_timed(lambda url=url: client.get(url), REQUESTS))

    f = StatsFilterForm.default(Area(14))
    naive_median, naive_p95 = _timed(lambda: naive_figures(f), 10)

    rebuild_ms, _p95 = _timed(lambda: statistics_rebuild(today, today), 5)
    print(
        json.dumps(
            {
                "orders": get_model("order", "Order").objects.count(),
                "lines": get_model("order", "Line").objects.count(),
                "stalls": Stall.objects.count(),
                "seed_s": seed_s,
                "views": timings,
                "rebuild_day_ms": rebuild_ms,
                "naive_median_ms": naive_median,
                "naive_p95_ms": naive_p95,
                "same": naive_figures(f) == rollup_figures(f),
            }
        )
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        worker(sys.argv[2])
    else:
        run()
