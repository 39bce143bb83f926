"""Every emailed link starts with SITE_URL, whatever Host the request claimed.

A password-reset request with a forged ``Host`` (or ``X-Forwarded-Host``) must not mail the
reset token to the forger's domain; nor may the links say ``example.com``.
"""

import re
from io import StringIO

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from wagtail.models import Site as WagtailSite

from tests.factories import CooperativeFactory, UserFactory, checkout, make_product, order_number_from
from tests.settings_loader import load_settings

pytestmark = pytest.mark.django_db

SITE_URL = "https://choso.example.vn"
FORGED = {"HTTP_HOST": "evil.example", "HTTP_X_FORWARDED_HOST": "evil.example"}


@pytest.fixture
def site_url(settings):
    """SITE_URL and what the settings derive from it when it comes from the environment
    (``test_every_link_setting_comes_from_site_url`` checks the derivation)."""
    settings.SITE_URL = SITE_URL
    settings.WAGTAILADMIN_BASE_URL = SITE_URL
    settings.OSCAR_URL_SCHEMA = "https"
    return SITE_URL


def links(message) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", message.body)


def test_site_configure_writes_the_django_and_wagtail_sites_and_can_run_twice(site_url):
    out = StringIO()
    call_command("site_configure", stdout=out)
    assert out.getvalue().strip() == (
        "Site choso.example.vn; Wagtail default site choso.example.vn:443; links https://choso.example.vn"
    )
    site = Site.objects.get(pk=1)
    assert (site.domain, site.name) == ("choso.example.vn", "choso.example.vn")
    wagtail_site = WagtailSite.objects.get(is_default_site=True)
    root = wagtail_site.root_page_id
    assert (wagtail_site.hostname, wagtail_site.port) == ("choso.example.vn", 443)
    call_command("site_configure", stdout=StringIO())
    assert list(Site.objects.values_list("pk", "domain", "name")) == [(1, "choso.example.vn", "choso.example.vn")]
    assert list(WagtailSite.objects.values_list("hostname", "port", "root_page_id", "is_default_site")) == [
        ("choso.example.vn", 443, root, True)
    ]


def test_site_configure_keeps_a_non_default_port(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    call_command("site_configure", stdout=StringIO())
    assert Site.objects.get(pk=1).domain == "127.0.0.1:8000"
    assert WagtailSite.objects.filter(is_default_site=True).values_list("hostname", "port").get() == ("127.0.0.1", 8000)


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("choso.example.vn", "must start with https://"),
        ("https://choso.example.vn/cho/", "must be scheme and host only"),
        ("https://", "has no host name"),
        ("https://choso.example.vn:http", "Port could not be cast"),
    ],
)
def test_site_configure_refuses_a_bad_site_url_in_one_line(settings, value, says):
    # A CommandError is what manage.py prints as one line on stderr, with exit status 1.
    settings.SITE_URL = value
    with pytest.raises(CommandError) as caught:
        call_command("site_configure", stdout=StringIO())
    message = str(caught.value)
    assert message.startswith("SITE_URL") and says in message and "\n" not in message
    assert Site.objects.get(pk=1).domain == "example.com"  # nothing written


def test_oscar_password_reset_links_to_site_url_whatever_the_host_header(client, site_url):
    call_command("site_configure", stdout=StringIO())
    UserFactory(email="lan@example.vn")
    response = client.post("/shop/password-reset/", {"email": "lan@example.vn"}, **FORGED)
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["lan@example.vn"]
    [link] = [u for u in links(message) if "/password-reset/confirm/" in u]
    assert link.startswith(f"{SITE_URL}/shop/password-reset/confirm/")
    assert "evil.example" not in message.body and "example.com" not in message.body


def test_wagtail_password_reset_links_to_site_url_whatever_the_host_header(client, site_url):
    UserFactory(email="bientap@choso.test", is_staff=True, is_superuser=True)
    response = client.post("/cms/password_reset/", {"email": "bientap@choso.test"}, **FORGED)
    assert response.status_code == 302
    [message] = mail.outbox
    [link] = links(message)
    assert link.startswith(f"{SITE_URL}/cms/password_reset/confirm/")
    assert "evil.example" not in message.body


def test_order_email_links_to_site_url(client, site_url, django_capture_on_commit_callbacks):
    product = make_product(cooperative=CooperativeFactory(), title="Cà phê Arabica", price=125000, stock=5)
    with django_capture_on_commit_callbacks(execute=True):
        number = order_number_from(checkout(client, [product]))
    [buyer] = [m for m in mail.outbox if m.to == ["lan@example.vn"]]
    assert links(buyer) == [f"{SITE_URL}/orders/?number={number}"]


PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 50,
    "DATABASE_URL": "sqlite:///:memory:",
    "ALLOWED_HOSTS": "choso.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/9",
}


def test_production_refuses_to_start_without_site_url():
    with pytest.raises(ImproperlyConfigured, match="Set the SITE_URL environment variable"):
        load_settings("market.settings.production", **PRODUCTION_ENV)


@pytest.mark.parametrize(
    ("settings_module", "otp_required"), [("market.settings.production", True), ("market.settings.test", False)]
)
def test_every_link_setting_comes_from_site_url(settings_module, otp_required):
    s = load_settings(settings_module, **PRODUCTION_ENV, SITE_URL="https://choso.example.org/")
    assert (s.SITE_URL, s.WAGTAILADMIN_BASE_URL, s.OSCAR_URL_SCHEMA, s.OTP_REQUIRED_FOR_STAFF, s.NUM_PROXIES) == (
        "https://choso.example.org",
        "https://choso.example.org",
        "https",
        otp_required,
        0,
    )


def test_site_configure_creates_the_first_admin_once_with_a_password_shown_once(site_url):
    from django.contrib.auth import get_user_model

    out = StringIO()
    call_command("site_configure", "--admin-username", "quantri", "--admin-email", "ops@example.vn", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[1] == "Platform admin quantri created; log in at https://choso.example.vn/cms/"
    password = lines[2].rsplit(": ", 1)[1]
    admin = get_user_model().objects.get(username="quantri")
    assert (admin.is_superuser, admin.is_staff, admin.email) == (True, True, "ops@example.vn")
    assert admin.check_password(password) and len(password) >= 20
    with pytest.raises(CommandError, match="user quantri already exists; nothing changed"):
        call_command(
            "site_configure", "--admin-username", "quantri", "--admin-email", "x@example.vn", stdout=StringIO()
        )
    assert get_user_model().objects.get(username="quantri").check_password(password)


def test_site_configure_takes_the_admin_password_from_stdin_and_refuses_a_weak_one(site_url, monkeypatch):
    from django.contrib.auth import get_user_model

    monkeypatch.setattr("sys.stdin", StringIO("123456\n"))
    with pytest.raises(CommandError, match="at least 8 characters"):
        call_command(
            "site_configure",
            "--admin-username",
            "a",
            "--admin-email",
            "a@example.vn",
            "--admin-password-stdin",
            stdout=StringIO(),
        )
    assert not get_user_model().objects.filter(username="a").exists()
    monkeypatch.setattr("sys.stdin", StringIO("cho-so-son-la-2026\n"))
    out = StringIO()
    call_command(
        "site_configure", "--admin-username", "a", "--admin-email", "a@example.vn", "--admin-password-stdin", stdout=out
    )
    assert "Password" not in out.getvalue()
    assert get_user_model().objects.get(username="a").check_password("cho-so-son-la-2026")
