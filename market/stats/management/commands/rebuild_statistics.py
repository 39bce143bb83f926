import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from market.stats.rollup import statistics_rebuild


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Rebuild the statistics rollups (per-market daily facts and the per-cooperative daily order record) "
        "for a range of local days. Idempotent: rebuilding twice gives identical rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default: --from, or today)")
        parser.add_argument("--days", type=int, help="instead of --from: this many days up to today")

    def handle(self, *args, start, end, days, **options):
        today = timezone.localdate()
        if days is not None:
            if start or days < 1:
                raise CommandError("give either --from or a positive --days")
            first, last = today - datetime.timedelta(days=days - 1), today
        elif start:
            first = _date(start)
            last = _date(end) if end else first
        else:
            raise CommandError("give --from YYYY-MM-DD [--to YYYY-MM-DD] or --days N")
        if last < first:
            raise CommandError("--to is before --from")
        if (last - first).days > 3660:
            raise CommandError("range is longer than 10 years")
        markets, cooperatives = statistics_rebuild(first, last)
        self.stdout.write(
            f"{(last - first).days + 1} days rebuilt: {markets} market rows, {cooperatives} cooperative rows"
        )
