import pytest
from django.core.cache import caches

from tests.transactional import drop_reused_db_at_end  # noqa: F401  (used by e2e/ and concurrency/)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A kept test database that a browser test left flushed (the run was interrupted before
    tests/transactional.py put it back) has lost the rows data migrations made, Wagtail's
    root page first. It is rebuilt, not trusted: one query per run and worker to find out."""
    from django.db import connection
    from wagtail.models import Page

    with django_db_blocker.unblock():
        if not Page.objects.filter(depth=1).exists():
            name = connection.settings_dict["NAME"]
            connection.creation.destroy_test_db(name, verbosity=0, keepdb=False)
            connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True)


@pytest.fixture(autouse=True)
def _clear_cache():
    for alias in caches.all():
        alias.clear()
    yield


@pytest.fixture
def home_page(db):
    """The Wagtail home page, installed as the default site's root as load_demo does."""
    from wagtail.models import Page, Site

    from market.models import HomePage

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Chợ Số", slug="trang-chu-test"))
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})
    return home


@pytest.fixture
def coop_staff(db):
    from tests.factories import CooperativeFactory, UserFactory

    user = UserFactory()
    cooperative = CooperativeFactory(staff=[user])
    return user, cooperative


@pytest.fixture(scope="session")
def localstripe_url():
    """localstripe (PyPI) on a free loopback port for the whole session: a real HTTP Stripe
    API and a fake Stripe.js, with webhooks signed by Stripe's scheme. ``--from-scratch``
    keeps one run's objects out of the next."""
    import socket
    import subprocess
    import sys
    import tempfile
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "localstripe", "--port", str(port), "--from-scratch"],
        cwd=tempfile.mkdtemp(prefix="localstripe-"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        if proc.poll() is not None:
            pytest.fail("localstripe exited at start")
        try:
            with urllib.request.urlopen(f"{base}/js.stripe.com/v3/", timeout=0.5) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("localstripe did not start within 20 s")
        time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(5)


@pytest.fixture
def stripe_on(settings, localstripe_url):
    """Card payments enabled and pointed at localstripe."""
    settings.STRIPE_SECRET_KEY = "sk_test_choso_local"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_choso_local"
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_JS_URL = f"{localstripe_url}/js.stripe.com/v3/"
    return localstripe_url


def stripe_signed(payload: bytes, *, secret: str = "whsec_test_choso", timestamp: int | None = None) -> str:
    """A ``Stripe-Signature`` header computed with Stripe's own scheme (t=…,v1=HMAC-SHA256)."""
    import time

    import stripe

    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{payload.decode()}", secret)
    return f"t={timestamp},v1={signature}"
