"""Orders and the catalogue under probing (security audit, issue 10).

* only what the storefront offers can go into a basket, and checkout re-checks it;
* an order number cannot be probed: without a grant, a placed and an unplaced number get
  the same answer, and pages with a buyer's personal data are never cached;
* nothing is sold for 0 ₫: the cooperative form refuses prices under 1.000 ₫ and checkout
  refuses a line without a price.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from tests.factories import CooperativeFactory, UserFactory, category, checkout, make_product, order_number_from

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
BasketLine = get_model("basket", "Line")

NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"

pytestmark = pytest.mark.django_db


def add(client, product, quantity=1):
    return client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})


# --- 4. hidden or unavailable products -------------------------------------------------


def _hidden(product):
    Product.objects.filter(pk=product.pk).update(is_public=False)


def _without_stock_record(product):
    StockRecord.objects.filter(product=product).delete()


def _priced_zero(product):
    StockRecord.objects.filter(product=product).update(price=0)


def _priced_nothing(product):
    StockRecord.objects.filter(product=product).update(price=None)


def _a_variant(product):
    """A child of a parent product: the storefront lists stand-alone products only."""
    parent = Product.objects.create(
        title="Chè (nhiều loại)", structure=Product.PARENT, product_class=product.product_class
    )
    Product.objects.filter(pk=product.pk).update(parent=parent, structure=Product.CHILD, product_class=None)


@pytest.mark.parametrize(
    "make_unavailable", [_hidden, _without_stock_record, _priced_zero, _priced_nothing, _a_variant]
)
def test_basket_add_refuses_a_product_the_storefront_does_not_offer(client, make_unavailable):
    product = make_product(title="Chè Shan tuyết", stock=5)
    make_unavailable(product)
    response = add(client, product)
    assert response.status_code == 404
    assert BasketLine.objects.count() == 0


def test_basket_add_of_a_product_on_sale_still_works(client):
    product = make_product(title="Chè Shan tuyết", stock=5)
    assert add(client, product, 2).status_code == 302
    assert list(BasketLine.objects.values_list("product", "quantity")) == [(product.pk, 2)]


def test_placing_an_order_refuses_a_product_hidden_after_it_went_into_the_basket(client):
    product = make_product(title="Chè Shan tuyết", stock=5)
    checkout(client, [product], place=False)
    _hidden(product)
    response = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert (response.status_code, response["Location"]) == (302, reverse("basket:summary"))
    assert response["Cache-Control"] == NEVER_CACHE
    assert Order.objects.count() == 0
    assert StockRecord.objects.get(product=product).num_allocated is None  # the refused order allocated nothing
    html = client.get(reverse("basket:summary")).content.decode()
    assert "“Chè Shan tuyết” hiện không còn bán. Hãy bỏ sản phẩm này khỏi giỏ hàng để đặt hàng." in html


def test_checkout_details_page_sends_a_basket_with_a_hidden_product_back_to_the_basket(client):
    product = make_product(title="Chè Shan tuyết", stock=5)
    add(client, product)
    _hidden(product)
    response = client.get(reverse("checkout:index"))
    assert (response.status_code, response["Location"]) == (302, reverse("basket:summary"))


# --- 5. order numbers cannot be probed; personal data is never cached -------------------


@pytest.fixture
def placed(client):
    product = make_product(cooperative=CooperativeFactory(), price=120000, stock=5)
    return order_number_from(checkout(client, [product]))


def _answer(response):
    return response.status_code, response.get("Location"), response.content, response.get("Cache-Control")


def test_order_page_answers_a_placed_and_an_unplaced_number_alike_without_a_grant(client, placed):
    stranger = type(client)()
    missing = str(int(placed) + 1)
    assert not Order.objects.filter(number=missing).exists()
    lookup = reverse("payments:order-lookup")
    for number in (placed, missing):
        response = stranger.get(reverse("payments:order-detail", kwargs={"number": number}))
        assert _answer(response) == (302, f"{lookup}?number={number}", b"", NEVER_CACHE)
    # Not even a signed-in buyer who did not place it tells them apart.
    stranger.force_login(UserFactory())
    answers = {
        number: _answer(stranger.get(reverse("payments:order-detail", kwargs={"number": number})))
        for number in (placed, missing)
    }
    assert answers[placed][0::2] == answers[missing][0::2] == (302, b"")
    # The status feed answers both with the same 404.
    statuses = [
        stranger.get(reverse("payments:order-status", kwargs={"number": n})).status_code for n in (placed, missing)
    ]
    assert statuses == [404, 404]


def test_order_page_redirect_quotes_whatever_number_was_asked(client):
    response = client.get("/orders/1%20%26x%3D%3Cb%3E/")
    assert response.status_code == 302
    assert response["Location"] == reverse("payments:order-lookup") + "?number=1+%26x%3D%3Cb%3E"


def test_pages_with_a_buyers_personal_data_are_never_cached(client, placed):
    order_page = client.get(reverse("payments:order-detail", kwargs={"number": placed}))
    assert order_page.status_code == 200 and order_page["Cache-Control"] == NEVER_CACHE

    stranger = type(client)()
    assert stranger.get(reverse("payments:order-lookup"))["Cache-Control"] == NEVER_CACHE
    wrong = stranger.post(reverse("payments:order-lookup"), {"number": placed, "phone": "0987 654 321"})
    assert (wrong.status_code, wrong["Cache-Control"]) == (200, NEVER_CACHE)
    found = stranger.post(reverse("payments:order-lookup"), {"number": placed, "phone": "0912 345 678"})
    assert (found.status_code, found["Cache-Control"]) == (302, NEVER_CACHE)
    result = stranger.get(found["Location"])
    assert (result.status_code, result["Cache-Control"]) == (200, NEVER_CACHE)
    assert "Nguyễn Thị Lan" in result.content.decode()

    staff = type(client)()
    staff.force_login(UserFactory(is_staff=True))
    for url in (
        reverse("payments:staff-transactions"),
        reverse("payments:staff-import"),
        reverse("payments:staff-mark-paid", kwargs={"number": placed}),
    ):
        response = staff.get(url)
        assert (response.status_code, response["Cache-Control"]) == (200, NEVER_CACHE), url


def test_checkout_pages_are_never_cached(client):
    product = make_product(stock=5)
    add(client, product)
    assert client.get(reverse("checkout:index"))["Cache-Control"] == NEVER_CACHE
    checkout(client, [], place=False)
    preview = client.get(reverse("checkout:preview"))
    assert (preview.status_code, preview["Cache-Control"]) == (200, NEVER_CACHE)


def test_cooperative_order_line_pages_are_never_cached(client, placed):
    line = get_model("order", "Line").objects.get(order__number=placed)
    clerk = UserFactory()
    line.partner.users.add(clerk)
    coop = type(client)()
    coop.force_login(clerk)
    for url in (reverse("coop:line-list"), reverse("coop:line-detail", kwargs={"pk": line.pk})):
        response = coop.get(url)
        assert (response.status_code, response["Cache-Control"]) == (200, NEVER_CACHE), url


# --- 6. nothing for 0 ₫ --------------------------------------------------------------------


def _product_form(**overrides):
    return {
        "title": "Miến dong Mường Bú",
        "category": category("Thực phẩm").pk,
        "unit": "gói 500 g",
        "price": "65.000",
        "num_in_stock": "40",
        "description": "",
        "is_public": "on",
        **overrides,
    }


@pytest.fixture
def coop_client(client, coop_staff):
    user, cooperative = coop_staff
    client.force_login(user)
    return client, cooperative


@pytest.mark.parametrize("price", ["0", "0 ₫", "000", "999", "999 đ"])
def test_cooperative_form_refuses_a_price_under_one_thousand_dong(coop_client, price):
    client, _cooperative = coop_client
    response = client.post(reverse("coop:product-create"), _product_form(price=price))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Giá bán tối thiểu là 1.000 ₫." in html
    assert Product.objects.count() == 0 and StockRecord.objects.count() == 0


def test_cooperative_form_accepts_one_thousand_dong(coop_client):
    client, cooperative = coop_client
    assert client.post(reverse("coop:product-create"), _product_form(price="1.000")).status_code == 302
    assert StockRecord.objects.get(partner=cooperative.partner).price == Decimal(1000)


def test_cooperative_cannot_lower_an_existing_price_to_zero(coop_client):
    client, cooperative = coop_client
    product = make_product(cooperative=cooperative, title="Miến dong Mường Bú", price=65000)
    response = client.post(reverse("coop:product-edit", kwargs={"pk": product.pk}), _product_form(price="0"))
    assert response.status_code == 200 and "Giá bán tối thiểu là 1.000 ₫." in response.content.decode()
    assert StockRecord.objects.get(product=product).price == Decimal(65000)


def test_placing_an_order_refuses_a_line_whose_price_became_zero(client):
    product = make_product(title="Chè Shan tuyết", price=65000, stock=5)
    checkout(client, [product], place=False)
    _priced_zero(product)  # e.g. set through Oscar's dashboard, which our form does not guard
    response = client.post(reverse("checkout:preview"), {"action": "place_order"}, follow=True)
    assert Order.objects.count() == 0
    assert StockRecord.objects.get(product=product).num_allocated is None  # the refused order allocated nothing
    assert response.redirect_chain == [(reverse("basket:summary"), 302)]
    html = response.content.decode()
    assert "“Chè Shan tuyết” chưa có giá bán. Hãy bỏ sản phẩm này khỏi giỏ hàng để đặt hàng." in html


def test_basket_purchase_check_refuses_goods_worth_nothing(monkeypatch):
    """The last line of defence, for a basket whose lines an offer discounts to 0 ₫."""
    from oscar.apps.partner.strategy import Default

    from payments.services.orders import BasketRefused, basket_purchase_check

    Basket = get_model("basket", "Basket")
    product = make_product(price=65000, stock=5)
    basket = Basket.objects.create()
    basket.strategy = Default()
    basket.add_product(product, 1)
    basket_purchase_check(basket=basket)  # on sale, priced: passes
    monkeypatch.setattr(Basket, "total_incl_tax", property(lambda self: Decimal(0)))
    with pytest.raises(BasketRefused, match="^Tổng tiền hàng là 0 ₫; không thể đặt đơn này.$"):
        basket_purchase_check(basket=basket)
