"""``manage.py site_configure``: point the Django and Wagtail site rows at SITE_URL.

Run once on a fresh database after ``migrate`` (and again whenever SITE_URL changes); it can
run any number of times. Oscar's password-reset and order emails link to the ``Site`` row's
domain, so until this has run they say ``example.com``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.urls import site_address
from market.accounts.services import site_address_apply


class Command(BaseCommand):
    help = "Set the Django Site and the Wagtail default site from SITE_URL (idempotent)."
    requires_system_checks = []  # a bad SITE_URL is reported below, in one line

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
