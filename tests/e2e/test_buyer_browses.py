import pytest

from tests.factories import CooperativeFactory, make_product

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_buyer_filters_to_five_stars_and_opens_a_product(live_server, phone, artifacts, wagtail_home):
    coop = CooperativeFactory(partner__name="HTX Chè Shan tuyết Tà Xùa")
    make_product(cooperative=coop, title="Chè Shan tuyết cổ thụ", price=450000, stars=5, unit="hộp 200 g")
    make_product(cooperative=coop, title="Chè xanh túi lọc", price=75000, stars=3)
    make_product(title="Cà phê hết hạn chứng nhận", price=95000, stars=5, expired=True)

    phone.goto(f"{live_server.url}/")
    assert phone.locator("h1").first.inner_text() == "Chợ Số"
    phone.get_by_role("link", name="Sản phẩm OCOP 5 sao").click()
    phone.wait_for_url("**/shop/catalogue/?stars=5")
    cards = phone.locator("article.card h3")
    assert cards.all_inner_texts() == ["Chè Shan tuyết cổ thụ"]

    # The same filter chosen by hand in the form, as a buyer without the home page link would.
    phone.goto(f"{live_server.url}/shop/catalogue/")
    phone.get_by_text("Lọc và sắp xếp").click()
    phone.select_option("#id_stars", "5")
    phone.get_by_role("button", name="Lọc").click()
    assert phone.locator("article.card h3").all_inner_texts() == ["Chè Shan tuyết cổ thụ"]

    phone.locator("article.card a").first.click()
    phone.wait_for_selector("[data-testid=price]")
    assert phone.locator("[data-testid=price]").inner_text() == "450.000 ₫"
    assert phone.locator("[data-testid=ocop-badge]").inner_text() == "OCOP 5★"
    assert phone.locator("[data-testid=cooperative]").inner_text() == "HTX Chè Shan tuyết Tà Xùa"
    phone.screenshot(path=str(artifacts / "product-page.png"), full_page=True)
