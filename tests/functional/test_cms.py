import pytest
from django.urls import reverse
from oscar.test.factories import PartnerFactory

from market.models import CooperativePage
from ocop_catalog.models import Cooperative
from tests.factories import CooperativeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _coop_form(partner, **overrides):
    data = {
        "partner": partner.pk,
        "slug": "htx-moi",
        "legal_name": "Hợp tác xã Mới",
        "kind": "htx",
        "tax_code": "5500612345",
        "province_code": "14",
        "commune_code": "3646",
        "address": "Bản Mới",
        "phone": "",
        "shipping_fee": "30000",
        "pickup_point": "",
        "story": "",
    }
    data.update(overrides)
    return data


def test_platform_staff_adds_a_cooperative_in_the_cms(admin_client):
    partner = PartnerFactory(name="HTX Mới")
    url = reverse("wagtailsnippets_ocop_catalog_cooperative:add")
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, _coop_form(partner))
    assert response.status_code == 302
    coop = Cooperative.objects.get(slug="htx-moi")
    assert (coop.province_name, coop.commune_name) == ("Sơn La", "Phường Tô Hiệu")


def test_a_commune_outside_the_province_is_refused_in_vietnamese(admin_client):
    partner = PartnerFactory(name="HTX Sai")
    url = reverse("wagtailsnippets_ocop_catalog_cooperative:add")
    response = admin_client.post(url, _coop_form(partner, province_code="68"))
    assert response.status_code == 200
    assert "Phường Tô Hiệu không thuộc Lâm Đồng." in response.content.decode()
    assert not Cooperative.objects.exists()


def test_cooperative_profile_page_shows_the_live_record_not_a_copy(client, home_page):
    from market.models import CooperativeIndexPage

    coop = CooperativeFactory(partner__name="HTX Chè", phone="0212 3863 333")
    index = home_page.add_child(instance=CooperativeIndexPage(title="Hợp tác xã", slug="hop-tac-xa"))
    page = index.add_child(instance=CooperativePage(title="HTX Chè", slug="htx-che", cooperative=coop))
    coop.phone = "0999 000 111"
    coop.save()
    html = client.get(page.url).content.decode()
    assert "0999 000 111" in html
    assert "Phường Tô Hiệu, Sơn La" in html


def test_editor_opens_the_home_page_editor(client, home_page):
    from django.contrib.auth.models import Group

    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[home_page.pk]))
    assert response.status_code == 200
