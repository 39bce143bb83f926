from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from merchants.models import Market
from merchants.placards import write_placards_pdf
from merchants.selectors import live_qrs
from merchants.services import placards_printed


class Command(BaseCommand):
    help = "Write the placards of every approved stall (or of one market) to a PDF."

    def add_arguments(self, parser):
        parser.add_argument("--market", help="market slug; all markets when omitted")
        parser.add_argument("--out", required=True, help="the PDF file to write")
        parser.add_argument("--layout", choices=["a6", "a4x4"], default="a6", help="one A6 per page, or four on A4")

    def handle(self, *args, market, out, layout, **options):
        if market and not Market.objects.filter(slug=market).exists():
            raise CommandError(f"no market with slug {market!r}")
        qrs = list(live_qrs(market_slug=market))
        if not qrs:
            raise CommandError("no stall has an issued QR" + (f" in {market}" if market else ""))
        path = Path(out)
        if not path.parent.exists():
            raise CommandError(f"folder {path.parent} does not exist")
        # Page by page into a temporary file beside the target, renamed when complete: a
        # street's worth of placards never sits in memory, and a failure leaves no half file.
        partial = path.with_name(f".{path.name}.partial")
        try:
            with partial.open("wb") as pdf:
                write_placards_pdf(qrs, pdf, layout=layout)
            partial.replace(path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(f"cannot write {out}: {exc.strerror}") from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        placards_printed(qrs=qrs, layout=layout)
        self.stdout.write(f"{len(qrs)} placards written to {out}")
