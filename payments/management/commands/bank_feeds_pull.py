"""Read the bank feeds' transactions APIs now, as the periodic task does.

    manage.py bank_feeds_pull                     # every provider with an API key
    manage.py bank_feeds_pull --provider casso --hours 48

Prints one line per provider. Exits 1 (CommandError) if a provider could not be read.
"""

from django.core.management.base import BaseCommand, CommandError

from payments.bank_feeds import FEEDS
from payments.services.feeds import bank_feeds_pull, feeds_pullable


class Command(BaseCommand):
    help = "Pull recent transactions from SePay/Casso and store the ones no webhook delivered."

    def add_arguments(self, parser):
        with_api = sorted(name for name, feed in FEEDS.items() if feed.api_setting)
        parser.add_argument("--provider", action="append", choices=with_api, help="only this provider (repeatable)")
        parser.add_argument("--hours", type=float, help="how far back to read (default BANK_FEED_PULL_HOURS)")

    def handle(self, *args, provider=None, hours=None, **options):
        if hours is not None and not 0 < hours <= 24 * 31:
            raise CommandError("--hours must be between 0 and 744 (31 days)")
        if provider:
            missing = [FEEDS[name].api_setting for name in provider if not FEEDS[name].can_pull()]
            if missing:
                raise CommandError(f"no API key set: {', '.join(missing)}")
        elif not feeds_pullable():
            raise CommandError("no bank feed has an API key set (SEPAY_API_TOKEN, CASSO_API_KEY)")
        failed = []
        for report in bank_feeds_pull(names=provider, hours=hours):
            if report.ok:
                line = f"{report.provider}: {report.fetched} read, {report.new} new"
                if report.skipped:
                    line += f", {len(report.skipped)} unreadable: {report.skipped[0]}"
                self.stdout.write(line)
            else:
                failed.append(f"{report.provider}: {report.error}")
        if failed:
            raise CommandError("; ".join(failed))
