import pytest
from django.core.management import call_command
from oscar.core.loading import get_model
from wagtail.models import Page, Site

from market.demo import data as demo
from market.models import CooperativePage, HomePage, NewsPage
from ocop_catalog.models import Cooperative, OcopCertification

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
Category = get_model("catalogue", "Category")
StockRecord = get_model("partner", "StockRecord")


def counts():
    from django.contrib.auth import get_user_model

    return {
        "pages": Page.objects.count(),
        "news": NewsPage.objects.count(),
        "cooperatives": Cooperative.objects.count(),
        "cooperative_pages": CooperativePage.objects.count(),
        "products": Product.objects.count(),
        "images": ProductImage.objects.count(),
        "stockrecords": StockRecord.objects.count(),
        "certificates": OcopCertification.objects.count(),
        "categories": Category.objects.count(),
        "users": get_user_model().objects.count(),
    }


def test_the_demo_has_what_an_official_expects_and_loading_it_again_changes_nothing(capsys):
    """load_demo runs twice in the whole suite: here, and the second time to show it is idempotent."""
    call_command("load_demo")
    first = counts()
    assert first["news"] == len(demo.NEWS)
    assert first["cooperatives"] == first["cooperative_pages"] == len(demo.COOPERATIVES)
    assert first["products"] == first["images"] == first["stockrecords"] == len(demo.PRODUCTS)
    assert first["certificates"] == len(demo.PRODUCTS)
    out = capsys.readouterr().out
    assert "htx1 / htx1@choso.test" in out
    assert "admin / admin@choso.test" in out
    assert Site.objects.get(is_default_site=True).root_page.specific_class is HomePage
    titles = list(Product.objects.values_list("title", flat=True))
    assert any(t.startswith("Cà phê") for t in titles)
    assert any(t.startswith("Miến dong") for t in titles)
    stars = set(OcopCertification.objects.values_list("stars", flat=True))
    assert stars == {3, 4, 5}
    assert any(not c.is_valid for c in OcopCertification.objects.all())
    assert Cooperative.objects.values("province_code").distinct().count() == 1
    assert all(c.commune_name for c in Cooperative.objects.all())
    assert all(sr.price > 0 and sr.price == int(sr.price) for sr in StockRecord.objects.all())
    call_command("load_demo")
    assert counts() == first
