import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CooperativeFactory, make_product
from tests.unit.test_photos import _image_bytes

pytestmark = pytest.mark.django_db

CATALOGUE = "/shop/catalogue/"


def _photo():
    from django.core.files.base import ContentFile

    return ContentFile(_image_bytes("WEBP", size=(200, 200)), name="p.webp")


def _fill(n, coop=None):
    coop = coop or CooperativeFactory()
    for i in range(n):
        make_product(cooperative=coop, title=f"Sản phẩm {i}", stars=3 + i % 3, photos=[_photo()])


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_catalogue_query_count_is_the_same_for_20_and_200_products(client, home_page):
    _fill(20)
    small = _queries(client, CATALOGUE)
    _fill(180)
    large = _queries(client, CATALOGUE)
    assert small == large
    assert large <= 12


def test_catalogue_with_every_filter_stays_within_12_queries(client, home_page):
    coop = CooperativeFactory()
    _fill(30, coop)
    url = f"{CATALOGUE}?q=san+pham&stars=4&province=14&cooperative={coop.slug}&sort=price_asc&page=1"
    assert _queries(client, url) <= 12


def test_product_page_query_count_does_not_grow_with_photos(client, home_page):
    one = make_product(title="Một ảnh", stars=5, photos=[_photo()])
    many = make_product(title="Nhiều ảnh", stars=5, photos=[_photo() for _ in range(6)])
    first = _queries(client, one.get_absolute_url())
    second = _queries(client, many.get_absolute_url())
    assert first == second
    assert second <= 15


def test_product_page_shows_price_unit_stock_certificate_and_cooperative(client, home_page):
    coop = CooperativeFactory(partner__name="HTX Cà phê Chiềng Mai")
    product = make_product(cooperative=coop, title="Cà phê rang xay", price=125000, stock=7, stars=4)
    html = client.get(product.get_absolute_url()).content.decode()
    assert "125.000 ₫" in html
    assert "gói 500 g" in html
    assert "Còn 7 trong kho" in html
    assert 'data-testid="ocop-badge">OCOP 4★' in html
    assert f"{product.pk}/QĐ-UBND-4" in html
    assert "Cấp tỉnh" in html
    assert "HTX Cà phê Chiềng Mai" in html


def test_expired_certificate_shows_no_badge(client, home_page):
    product = make_product(title="Hết hạn", stars=5, expired=True)
    html = client.get(product.get_absolute_url()).content.decode()
    assert "ocop-badge" not in html
    assert "đã hết hiệu lực" in html


def test_unknown_product_and_page_get_a_vietnamese_404(client, home_page):
    for url in ["/shop/catalogue/khong-co_999999/", "/trang-khong-co/", "/shop/catalogue/category/x_99999/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Không tìm thấy trang" in response.content.decode()


def test_bad_filter_values_are_ignored_not_500(client, home_page):
    make_product(title="Cà phê")
    response = client.get(f"{CATALOGUE}?stars=9&province=abc&cooperative=khong&sort=x&page=zz")
    assert response.status_code == 200
    assert "Cà phê" in response.content.decode()


def test_shop_search_redirects_to_the_accent_free_catalogue_search(client, home_page):
    response = client.get("/shop/search/?q=ca+phe")
    assert response.status_code == 302
    assert response["Location"] == f"{CATALOGUE}?q=ca+phe"


def test_english_is_available_through_the_language_switch(client, home_page):
    make_product(title="Cà phê")
    response = client.post(reverse("set_language"), {"language": "en", "next": CATALOGUE}, follow=True)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en").content.decode().count('<html lang="en">') == 1


def test_vietnamese_by_default_even_for_an_english_browser(client, home_page):
    html = client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert '<html lang="vi">' in html
    assert "Sản phẩm OCOP" in html


def _page_weight(client, url):
    """Gzipped bytes of the HTML plus every stylesheet, script and font it links, photos excluded."""
    html = client.get(url).content.decode()
    assets = re.findall(r'<(?:link[^>]+href|script[^>]+src)="([^"]+)"', html)
    third_party = [a for a in assets if re.match(r"^(https?:)?//", a)]
    total = len(gzip.compress(html.encode()))
    js = 0
    for asset in assets:
        if asset.startswith("/static/"):
            path = finders.find(asset.removeprefix("/static/"))
            body = open(path, "rb").read()
            size = len(gzip.compress(body))
            total += size
            if asset.endswith(".js"):
                js += size
    return total, js, third_party


def test_home_catalogue_and_product_pages_are_light(client, home_page):
    _fill(24)
    product = make_product(title="Cà phê", stars=5, photos=[_photo(), _photo()])
    for url in ["/", CATALOGUE, product.get_absolute_url()]:
        total, js, third_party = _page_weight(client, url)
        assert third_party == [], url
        assert js <= 30 * 1024, url
        assert total <= 100 * 1024, url


def test_listing_photos_are_webp_renditions_and_lazy_below_the_fold(client, home_page):
    _fill(8)
    html = client.get(CATALOGUE).content.decode()
    images = re.findall(r"<img [^>]+>", html)
    assert len(images) == 8
    assert all(".webp" in tag and "/renditions/" in tag for tag in images)
    assert ['loading="lazy"' in tag for tag in images] == [False] * 4 + [True] * 4


def test_home_page_query_count_does_not_grow_with_products(client, home_page):
    _fill(8)
    small = _queries(client, "/")
    _fill(40)
    assert _queries(client, "/") == small
    assert small <= 16
