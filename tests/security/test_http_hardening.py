"""HTTP hardening: the Content-Security-Policy, the request size cap, and load_demo's refusal.

Everything goes over HTTP through Django's test client, so the middleware order and the
views' own additions are what a browser would get.
"""

import base64
import hashlib
import re
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from market.management.commands.load_demo import Command as LoadDemo
from merchants.models import Application, OrganiserArea
from tests.factories import (
    VENDOR_FORM,
    CooperativeFactory,
    UserFactory,
    checkout,
    make_product,
    market,
    order_number_from,
)

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    # The value "display:none" alone, for Oscar's basket (see the basket test below).
    "style-src-attr": {"'unsafe-hashes'", "'sha256-aqNNdDLnnrDOnTNdkJpYlAxKVJtLt9CtFLklmInuUAE='"},
    "img-src": {"'self'"},
    "connect-src": {"'self'"},
    "font-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}


def policy(response) -> dict[str, set[str]]:
    """The Content-Security-Policy header as {directive: {sources}}."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = set(sources)
    return parsed


class InlineCode(HTMLParser):
    """What a strict policy would block: inline scripts and styles, on…= handlers, style=""."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and (attrs.get("type") or "").lower() != "application/json":
            self.found.append(self.get_starttag_text())
        if tag == "style":
            self.found.append(self.get_starttag_text())
        for name in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(self.get_starttag_text())


def inline_code(response) -> list[str]:
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser.found


def user_with(codename: str):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename=codename))
    OrganiserArea.objects.create(user=user, province_code=14)
    return user


@pytest.fixture
def public_pages(client, home_page):
    """Each public page the brief names, fetched as its usual visitor would: {name: response}."""
    product = make_product(cooperative=CooperativeFactory(shipping_fee=30000), price=120000, stock=5)
    pages = {
        "home": client.get("/"),
        "catalogue": client.get(reverse("catalogue:index")),
        "product": client.get(product.get_absolute_url()),
        "login": client.get(reverse("customer:login")),
    }
    number = order_number_from(checkout(client, [product]))
    pages["order"] = client.get(reverse("payments:order-detail", kwargs={"number": number}))
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    pages["basket"] = client.get(reverse("basket:summary"))
    pages["checkout details"] = client.get(reverse("checkout:index"))
    market()
    client.force_login(user_with("onboard_vendors"))  # the page with its draft script
    pages["stall application"] = client.get(reverse("merchants:apply"))
    client.force_login(user_with("view_statistics"))
    pages["statistics"] = client.get("/stats/")
    for name, response in pages.items():
        assert response.status_code == 200, name
    return pages


# --- Content-Security-Policy -------------------------------------------------------------


def test_public_pages_carry_the_strict_policy_without_inline_scripts_or_stripe(public_pages):
    for name, response in public_pages.items():
        assert policy(response) == STRICT, name
        header = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in header and "unsafe-eval" not in header, name
        assert "stripe" not in header.lower(), name


def test_public_pages_have_no_inline_script_handler_or_style_attribute(public_pages):
    for name, response in public_pages.items():
        if name == "basket":
            continue
        assert inline_code(response) == [], name


def test_oscars_basket_has_only_the_hidden_helpers_that_our_stylesheet_hides_too(public_pages):
    """Oscar's own basket partial (not overridden) hides helper fields with style="display:none".
    The policy allows that one value by its hash; site.css hides the same elements for browsers
    that do not know style-src-attr."""
    found = inline_code(public_pages["basket"])
    assert found and all(re.fullmatch(r'<div( id="[a-z_]+")? style="display:none">', tag) for tag in found), found
    allowed = policy(public_pages["basket"])["style-src-attr"] - {"'unsafe-hashes'"}
    digest = base64.b64encode(hashlib.sha256(b"display:none").digest()).decode()
    assert allowed == {f"'sha256-{digest}'"}
    assert '[style="display:none"]{display:none}' in (settings.BASE_DIR / "static/css/site.css").read_text()


def test_the_card_step_alone_adds_stripe_origins_from_the_settings(client, stripe_on):
    product = make_product(cooperative=CooperativeFactory(shipping_fee=30000), price=120000, stock=5)
    number = order_number_from(checkout(client, [product], payment_method="card"))
    response = client.get(reverse("payments:order-detail", kwargs={"number": number}))
    origin = f"http://{urlsplit(stripe_on).netloc}"  # localstripe serves both Stripe.js and the API
    assert response.status_code == 200 and "card-element" in response.content.decode()
    assert policy(response) == {
        **STRICT,
        "script-src": {"'self'", origin},
        "frame-src": {origin},
        "connect-src": {"'self'", origin},
    }
    assert inline_code(response) == []
    # The next page the same buyer opens is strict again.
    assert policy(client.get(reverse("catalogue:index"))) == STRICT


def test_card_step_sources_follow_real_stripe_origins(settings):
    from payments.gateways.stripe.gateway import stripe_csp_sources

    settings.STRIPE_JS_URL = "https://js.stripe.com/v3/"
    settings.STRIPE_API_BASE = "https://api.stripe.com"
    assert stripe_csp_sources() == {
        "script-src": ["https://js.stripe.com"],
        "frame-src": ["https://js.stripe.com", "https://hooks.stripe.com"],
        "connect-src": ["https://api.stripe.com"],
    }


@pytest.mark.parametrize("path", ["/cms/login/", "/django-admin/login/", "/shop/dashboard/login/"])
def test_admin_areas_get_their_own_looser_policy_not_the_public_one(client, path):
    response = client.get(path, follow=True)
    assert response.status_code == 200
    found = policy(response)
    assert found["script-src"] == {"'self'", "'unsafe-inline'"}
    assert found["object-src"] == {"'none'"} and found["frame-ancestors"] == {"'self'"}
    assert "stripe" not in response.headers["Content-Security-Policy"].lower()


def test_a_public_path_that_merely_starts_like_an_admin_word_stays_strict(client, home_page):
    assert policy(client.get("/cmsx/")) == STRICT  # Wagtail's 404 page


# --- Request size -------------------------------------------------------------------------

APPLICATION = VENDOR_FORM


def test_a_body_over_the_cap_is_refused_with_413_and_nothing_is_written(client, settings):
    settings.MAX_REQUEST_BYTES = 2000
    m = market()
    response = client.post(reverse("merchants:apply"), {**APPLICATION, "market": m.pk, "padding": "x" * 2500})
    assert response.status_code == 413
    assert response.content.decode() == "Yêu cầu quá lớn: tối đa 0 MB."
    assert Application.objects.count() == 0


def test_a_body_under_the_cap_goes_through(client, settings):
    settings.MAX_REQUEST_BYTES = 4000
    m = market()
    response = client.post(reverse("merchants:apply"), {**APPLICATION, "market": m.pk, "padding": "x" * 2500})
    assert response.status_code == 302
    assert Application.objects.get().stall.code == "B12"


def test_a_declared_length_over_the_default_cap_is_refused_before_the_body_is_read(client, settings):
    assert settings.MAX_REQUEST_BYTES == 42 * 1024 * 1024  # 8 product photos of 5 MB and the form
    m = market()
    # The test client's payload is a few hundred bytes: reading the declared 42 MB would fail.
    response = client.post(
        reverse("merchants:apply"),
        {**APPLICATION, "market": m.pk},
        CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES + 1),
    )
    assert response.status_code == 413
    assert response.content.decode() == "Yêu cầu quá lớn: tối đa 42 MB."
    assert Application.objects.count() == 0


def test_the_refusal_speaks_english_to_a_visitor_who_chose_english(client, settings):
    settings.MAX_REQUEST_BYTES = 10
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("merchants:apply"), {"name": "x" * 20})
    assert response.status_code == 413
    assert response.content.decode().startswith("Request too large") or response.content.decode().startswith(
        "Yêu cầu quá lớn"  # before the English catalogue has this line (compilemessages)
    )


def test_a_chunked_body_without_a_length_is_refused_unread(client):
    m = market()
    response = client.generic(
        "POST",
        reverse("merchants:apply"),
        data=b"",
        content_type="application/x-www-form-urlencoded",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert response.status_code == 411
    assert Application.objects.count() == 0 and m.stalls.count() == 0


# --- load_demo ------------------------------------------------------------------------------


def test_load_demo_refuses_production_settings_and_writes_nothing(settings):
    settings.DEMO_DATA_ALLOWED = False
    users = get_user_model().objects.count()
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("load_demo", stdout=StringIO())
    assert get_user_model().objects.count() == users
    assert not get_user_model().objects.filter(username="admin").exists()


def test_load_demo_runs_under_production_settings_only_with_the_flag(settings, monkeypatch):
    settings.DEMO_DATA_ALLOWED = False
    loaded = []
    monkeypatch.setattr(LoadDemo, "load", lambda self: loaded.append(True))  # the real load takes ~20 s
    call_command("load_demo", "--allow-production", stdout=StringIO())
    assert loaded == [True]
    assert LoadDemo().create_parser("manage.py", "load_demo").parse_args([]).allow_production is False


@pytest.mark.parametrize(
    "url", ["/orders/%00/", "/orders/%00/status.json", "/stalls/applications/%00/", "/stalls/apply/?market=%00"]
)
def test_a_nul_character_in_a_link_is_a_400_not_a_500(client, url):
    assert client.get(url).status_code == 400


def test_an_absurdly_deep_signed_webhook_body_is_a_400_not_a_500(client, settings):
    from payments.bank_feeds import sign

    body = b"[" * 100_000
    response = client.post(
        "/payments/webhooks/bank/generic/",
        data=body,
        content_type="application/json",
        HTTP_X_SIGNATURE=sign(body, settings.BANK_WEBHOOK_SECRET[0]),
    )
    assert response.status_code == 400


def test_production_email_backend_from_the_environment_is_kept():
    from tests.settings_loader import load_settings

    s = load_settings(
        "market.settings.production",
        SECRET_KEY="x" * 50,
        DATABASE_URL="sqlite:///:memory:",
        ALLOWED_HOSTS="choso.example.org",
        REDIS_URL="redis://127.0.0.1:6379/9",
        SITE_URL="https://choso.example.org",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        EMAIL_URL="smtp://mail.example.org:587",
    )
    assert (s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT) == (
        "django.core.mail.backends.console.EmailBackend",
        "mail.example.org",
        587,
    )
