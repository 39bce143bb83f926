"""``manage.py vietqr build|parse``: the codec on the command line (a contract other tools use).

build: prints the payload on one line; bad input → one line on stderr, exit 1.
parse: one JSON object per payload per line; a bad payload prints
``{"payload": ..., "error": ...}`` on its line, and the exit code is 1 if any was bad.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from payments.vietqr import SERVICES, VietQRError, build_payload, parse_payload


class Command(BaseCommand):
    help = "Build or parse NAPAS VietQR payloads."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        build = sub.add_parser("build", help="print a payload")
        build.add_argument("--bin", required=True, help="6-digit NAPAS bank BIN, e.g. 970436")
        build.add_argument("--account", required=True, help="account or card number, 1-19 letters/digits")
        build.add_argument("--amount", help="whole dong; makes a dynamic code")
        build.add_argument("--purpose", help="transfer memo, at most 25 characters without diacritics")
        build.add_argument("--service", choices=SERVICES, default=SERVICES[0])
        build.add_argument("--name", help="beneficiary name, at most 25 characters")
        build.add_argument("--city", help="city, at most 15 characters")
        parse = sub.add_parser("parse", help="print each payload as JSON")
        parse.add_argument("payloads", nargs="+")

    def handle(self, *args, **options):
        if options["action"] == "build":
            try:
                payload = build_payload(
                    bank_bin=options["bin"],
                    account=options["account"],
                    amount=options["amount"],
                    purpose=options["purpose"],
                    service_code=options["service"],
                    merchant_name=options["name"],
                    city=options["city"],
                )
            except VietQRError as exc:
                raise CommandError(f"vietqr build: {exc}", returncode=1) from None
            self.stdout.write(payload)
            return
        failed = False
        for text in options["payloads"]:
            try:
                line = parse_payload(text).as_dict()
            except VietQRError as exc:
                failed = True
                line = {"payload": text, "error": str(exc)}
            self.stdout.write(json.dumps(line, ensure_ascii=False))
        if failed:
            sys.exit(1)
