import datetime

from django.core.management.base import BaseCommand, CommandError

from ocop_catalog.volume import cooperative_volume_rebuild


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Rebuild the per-cooperative daily order record for a day or a range of days (local dates)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default: the first day)")

    def handle(self, *args, start, end, **options):
        first, last = _date(start), _date(end or start)
        if last < first:
            raise CommandError("--to is before --from")
        if (last - first).days > 3660:
            raise CommandError("range is longer than 10 years")
        rows = 0
        day = first
        while day <= last:
            rows += cooperative_volume_rebuild(day=day)
            day += datetime.timedelta(days=1)
        self.stdout.write(f"{(last - first).days + 1} days rebuilt, {rows} rows")
