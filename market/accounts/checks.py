"""System checks: a SITE_URL that cannot make a link stops ``check`` (and ``runserver``,
``migrate``…) with one clear line instead of sending broken links in emails."""

from django.conf import settings
from django.core.checks import Error, Warning, register

from core.urls import site_address


@register()
def site_url_check(app_configs, **kwargs):
    try:
        site_address(settings.SITE_URL)
    except ValueError as exc:
        return [Error(str(exc), hint="Set SITE_URL, e.g. https://choso.example.vn", id="accounts.E001")]
    return []


@register(deploy=True)
def site_url_https_check(app_configs, **kwargs):
    try:
        scheme = site_address(settings.SITE_URL).scheme
    except ValueError:
        return []  # accounts.E001 says it
    if scheme != "https":
        return [Warning("SITE_URL is not https: emailed links would travel in the clear.", id="accounts.W001")]
    return []
