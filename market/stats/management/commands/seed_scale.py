import time

from django.core.management.base import BaseCommand, CommandError

from core import geo
from market.stats.scale import scale_seed


class Command(BaseCommand):
    help = (
        "Generate a large synthetic province for measuring the statistics: markets and stalls (with "
        "applications, QRs, placards and payments), cooperatives and their orders, then rebuild the rollups."
    )

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=10000, help="orders (one line each); default 10000")
        parser.add_argument("--stalls", type=int, default=2000, help="market stalls; default 2000")
        parser.add_argument("--days", type=int, default=365, help="days of history up to today; default 365")
        parser.add_argument("--province", type=int, default=14, help="province code (2025 units); default 14")
        parser.add_argument("--seed", type=int, default=2025, help="random seed")

    def handle(self, *args, orders, stalls, days, province, seed, **options):
        if orders < 0 or stalls < 0 or not 1 <= days <= 5 * 366:
            raise CommandError("--orders and --stalls must be ≥ 0 and --days between 1 and 1830")
        if not geo.province_name(province):
            raise CommandError(f"unknown province code {province}")
        started = time.perf_counter()
        result = scale_seed(
            orders=orders, stalls=stalls, days=days, province_code=province, seed=seed, out=self.stdout.write
        )
        self.stdout.write(
            f"{orders} orders, {stalls} stalls in {result['markets']} markets, {result['cooperatives']} cooperatives "
            f"seeded in {time.perf_counter() - started:.1f} s"
        )
