"""``manage.py site_configure``: point the Django and Wagtail site rows at SITE_URL and, on a
fresh site, create the first platform admin.

Run once on a fresh database after ``migrate`` (and again whenever SITE_URL changes); it can
run any number of times. Oscar's password-reset and order emails link to the ``Site`` row's
domain, so until this has run they say ``example.com``.

``--admin-username NAME --admin-email EMAIL`` also creates a superuser. Its password is made
up and printed once, unless ``--admin-password-stdin`` reads one from standard input.
"""

import sys

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.urls import site_address
from market.accounts.services import platform_admin_create, site_address_apply


class Command(BaseCommand):
    help = "Set the Django and Wagtail sites from SITE_URL (idempotent); optionally create the first admin."
    requires_system_checks = []  # a bad SITE_URL is reported below, in one line

    def add_arguments(self, parser):
        parser.add_argument("--admin-username", default="", help="create this platform admin (superuser)")
        parser.add_argument("--admin-email", default="", help="the admin's email")
        parser.add_argument(
            "--admin-password-stdin", action="store_true", help="read the admin's password from standard input"
        )

    def handle(self, *args, **options):
        try:
            address = site_address(settings.SITE_URL)
            site, wagtail_site = site_address_apply(address=address)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        wagtail_host = f"{wagtail_site.hostname}:{wagtail_site.port}"
        self.stdout.write(f"Site {site.domain}; Wagtail default site {wagtail_host}; links {settings.SITE_URL}")
        if options["admin_username"] or options["admin_email"]:
            self._admin(options)

    def _admin(self, options):
        typed = sys.stdin.readline().rstrip("\n") if options["admin_password_stdin"] else ""
        try:
            user, made_up = platform_admin_create(
                username=options["admin_username"], email=options["admin_email"], password=typed
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"Platform admin {user.username} created; log in at {settings.SITE_URL}/cms/")
        if made_up:
            self.stdout.write(f"Password (shown once, change it after logging in): {made_up}")
