import datetime

import pytest
from django.utils import timezone

from ocop_catalog.models import OcopCertification
from ocop_catalog.selectors import CatalogueFilters, Sort, product_list
from tests.factories import CooperativeFactory, category, make_product

pytestmark = pytest.mark.django_db


def titles(filters):
    return [p.title for p in product_list(filters=filters)]


def test_certificate_is_valid_from_decision_day_to_last_day_inclusive():
    today = timezone.localdate()
    cert = OcopCertification(stars=4, decision_date=today, valid_until=today)
    assert cert.is_valid_on(today)
    assert not cert.is_valid_on(today + datetime.timedelta(days=1))
    assert not cert.is_valid_on(today - datetime.timedelta(days=1))


@pytest.mark.parametrize("query", ["ca phe", "CA PHE", "cà phê", "Cà Phê", "ca  phe"])
def test_search_ignores_diacritics_and_case(query):
    make_product(title="Cà phê Arabica")
    make_product(title="Miến dong Mường Bú")
    assert titles(CatalogueFilters(q=query)) == ["Cà phê Arabica"]


def test_search_mien_dong_finds_mien_dong_and_d_stroke():
    make_product(title="Miến dong Mường Bú")
    make_product(title="Đặc sản Điện Biên")
    make_product(title="Cà phê")
    assert titles(CatalogueFilters(q="mien dong")) == ["Miến dong Mường Bú"]
    assert titles(CatalogueFilters(q="dac san dien")) == ["Đặc sản Điện Biên"]


def test_search_finds_products_by_cooperative_name():
    coop = CooperativeFactory(partner__name="HTX Chè Tà Xùa")
    make_product(cooperative=coop, title="Hồng trà")
    make_product(title="Cà phê")
    assert titles(CatalogueFilters(q="ta xua")) == ["Hồng trà"]


def test_stars_filter_counts_only_valid_certificates():
    make_product(title="Năm sao", stars=5)
    make_product(title="Năm sao hết hạn", stars=5, expired=True)
    make_product(title="Bốn sao", stars=4)
    make_product(title="Chưa chứng nhận")
    assert titles(CatalogueFilters(stars=5)) == ["Năm sao"]
    assert titles(CatalogueFilters(stars=4)) == ["Bốn sao"]


def test_province_cooperative_and_category_filters():
    son_la = CooperativeFactory(province_code=14, commune_code=3646)
    lam_dong = CooperativeFactory(province_code=68, commune_code=24781)
    make_product(cooperative=son_la, title="Mận hậu", category_name="Nông sản tươi")
    make_product(cooperative=son_la, title="Cà phê Sơn La", category_name="Đồ uống")
    make_product(cooperative=lam_dong, title="Cà phê Cầu Đất", category_name="Đồ uống")

    assert sorted(titles(CatalogueFilters(province=14))) == ["Cà phê Sơn La", "Mận hậu"]
    assert titles(CatalogueFilters(province=68)) == ["Cà phê Cầu Đất"]
    assert titles(CatalogueFilters(cooperative=lam_dong.slug)) == ["Cà phê Cầu Đất"]
    drinks = category("Đồ uống")
    assert sorted(titles(CatalogueFilters(category=drinks))) == ["Cà phê Cầu Đất", "Cà phê Sơn La"]
    assert titles(CatalogueFilters(category=drinks, province=14, q="ca phe")) == ["Cà phê Sơn La"]


def test_subcategory_products_appear_under_their_parent():
    drinks = category("Đồ uống")
    tea = drinks.add_child(name="Trà")
    product = make_product(title="Bạch trà")
    product.categories.set([tea])
    assert titles(CatalogueFilters(category=drinks)) == ["Bạch trà"]


def test_sorting_by_price_and_newest():
    make_product(title="Rẻ", price=50000)
    make_product(title="Đắt", price=500000)
    make_product(title="Vừa", price=150000)
    assert titles(CatalogueFilters(sort=Sort.PRICE_ASC)) == ["Rẻ", "Vừa", "Đắt"]
    assert titles(CatalogueFilters(sort=Sort.PRICE_DESC)) == ["Đắt", "Vừa", "Rẻ"]
    assert titles(CatalogueFilters(sort=Sort.NEWEST)) == ["Vừa", "Đắt", "Rẻ"]


def test_hidden_products_are_not_listed():
    product = make_product(title="Ẩn")
    product.is_public = False
    product.save()
    make_product(title="Hiện")
    assert titles(CatalogueFilters()) == ["Hiện"]
