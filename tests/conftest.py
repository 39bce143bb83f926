import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
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
