import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from oscar.core.loading import get_model

from ocop_catalog.models import OcopCertification
from tests.factories import CooperativeFactory, UserFactory, category, make_product
from tests.factories import place_order as create_order_of
from tests.unit.test_photos import _image_bytes, decompression_bomb_png

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
ProductImage = get_model("catalogue", "ProductImage")


def _form(**overrides):
    data = {
        "title": "Miến dong Mường Bú",
        "category": category("Thực phẩm").pk,
        "unit": "gói 500 g",
        "price": "65.000",
        "num_in_stock": "40",
        "description": "Miến phơi nắng.",
        "is_public": "on",
        "cert_stars": "4",
        "cert_number": "123/QĐ-UBND",
        "cert_level": "provincial",
        "cert_decision_date": "2025-01-10",
        "cert_valid_until": "2028-01-10",
    }
    data.update(overrides)
    return data


@pytest.fixture
def staff_client(client, coop_staff):
    user, cooperative = coop_staff
    client.force_login(user)
    return client, cooperative


def test_staff_creates_a_product_with_price_stock_photo_and_certificate(staff_client):
    client, cooperative = staff_client
    photo = SimpleUploadedFile("anh.jpg", _image_bytes("JPEG", size=(900, 600)), content_type="image/jpeg")
    response = client.post(reverse("coop:product-create"), {**_form(), "photos": [photo]})
    assert response.status_code == 302
    product = Product.objects.get(title="Miến dong Mường Bú")
    stockrecord = StockRecord.objects.get(product=product)
    assert (stockrecord.partner, stockrecord.price, stockrecord.num_in_stock) == (cooperative.partner, 65000, 40)
    assert product.unit == "gói 500 g"
    assert product.images.get().original.name.endswith(".webp")
    cert = OcopCertification.objects.get(product=product)
    assert (cert.stars, cert.number, cert.is_valid) == (4, "123/QĐ-UBND", True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("price", "-5000", "Giá bán không được là số âm."),
        ("price", "65000.5", "Giá bán tính bằng đồng, không có phần lẻ (ví dụ 125000)."),
        ("unit", "", "Hãy nhập đơn vị bán (ví dụ: gói 500 g)."),
        ("num_in_stock", "-1", "Số lượng không được là số âm."),
        ("cert_valid_until", "2020-01-01", "Ngày hết hiệu lực phải sau ngày quyết định."),
    ],
)
def test_bad_product_input_gets_a_vietnamese_error_and_saves_nothing(staff_client, field, value, message):
    client, _cooperative = staff_client
    response = client.post(reverse("coop:product-create"), _form(**{field: value}))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    assert Product.objects.count() == 0
    assert StockRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("anh.gif", _image_bytes("GIF"), "image/gif"),
        ("bom.png", decompression_bomb_png(), "image/png"),
        ("giay.pdf", b"%PDF-1.4 not an image", "application/pdf"),
    ],
)
def test_bad_photo_is_a_form_error_and_nothing_is_saved(staff_client, name, data, content_type):
    client, _cooperative = staff_client
    photo = SimpleUploadedFile(name, data, content_type=content_type)
    response = client.post(reverse("coop:product-create"), {**_form(), "photos": [photo]})
    assert response.status_code == 200
    assert response.context["form"].errors["photos"][0].startswith(f"{name}: ")
    assert Product.objects.count() == 0
    assert ProductImage.objects.count() == 0


def test_oversized_photo_is_a_form_error(staff_client):
    client, _cooperative = staff_client
    big = SimpleUploadedFile("to.jpg", b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 10), content_type="image/jpeg")
    response = client.post(reverse("coop:product-create"), {**_form(), "photos": [big]})
    assert response.status_code == 200
    assert "Ảnh quá lớn" in response.context["form"].errors["photos"][0]


def test_staff_edits_price_and_removes_a_photo(staff_client):
    client, cooperative = staff_client
    from django.core.files.base import ContentFile

    product = make_product(
        cooperative=cooperative, title="Chè", photos=[ContentFile(_image_bytes("WEBP"), name="a.webp")]
    )
    image = product.images.get()
    data = _form(title="Chè Shan tuyết", price="150000", delete_images=[image.pk])
    response = client.post(reverse("coop:product-edit", kwargs={"pk": product.pk}), data)
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.title == "Chè Shan tuyết"
    assert StockRecord.objects.get(product=product).price == 150000
    assert product.images.count() == 0


def test_staff_list_shows_only_their_own_products(staff_client):
    client, cooperative = staff_client
    make_product(cooperative=cooperative, title="Của mình")
    make_product(title="Của người khác")
    html = client.get(reverse("coop:product-list")).content.decode()
    assert "Của mình" in html
    assert "Của người khác" not in html


def test_order_lines_list_shows_only_their_own_lines(staff_client):
    client, cooperative = staff_client
    own = make_product(cooperative=cooperative, title="Hàng của mình")
    other = make_product(title="Hàng người khác")
    create_order_of(own)
    create_order_of(other)
    html = client.get(reverse("coop:line-list")).content.decode()
    assert "Hàng của mình" in html
    assert "Hàng người khác" not in html


def _id_urls(namespace):
    """Every URL name under ``namespace`` that takes an integer id, with its kwarg names."""
    found = []

    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
                walk(entry.url_patterns, ns)
            elif isinstance(entry, URLPattern) and entry.name and prefix.startswith(namespace):
                keys = set(entry.pattern.regex.groupindex)
                if keys and all(k in {"pk", "product_pk", "parent_pk", "line_id", "number", "image_pk"} for k in keys):
                    found.append((f"{prefix}{entry.name}", sorted(keys)))

    walk(get_resolver().url_patterns, "")
    return sorted(set((name, tuple(keys)) for name, keys in found))


def test_the_matrix_covers_every_id_url_of_both_dashboards():
    coop_names = {name for name, _ in _id_urls("coop:")}
    assert {"coop:product-edit", "coop:line-detail"} <= coop_names
    dashboard_names = {name for name, _ in _id_urls("dashboard:")}
    assert "dashboard:catalogue-product" in dashboard_names
    assert "dashboard:order-detail" in dashboard_names
    assert len(dashboard_names) > 20


def test_cooperative_a_cannot_reach_cooperative_bs_products_or_lines_anywhere(client):
    staff_a = UserFactory()
    CooperativeFactory(staff=[staff_a])
    coop_b = CooperativeFactory(staff=[UserFactory()])
    product_b = make_product(cooperative=coop_b, title="Sản phẩm của B")
    order_b = create_order_of(product_b)
    line_b = order_b.lines.get()
    ids = {
        "pk": product_b.pk,
        "product_pk": product_b.pk,
        "parent_pk": product_b.pk,
        "image_pk": 1,
        "line_id": line_b.pk,
        "number": order_b.number,
    }
    client.force_login(staff_a)

    checked = []
    for name, keys in _id_urls("coop:") + _id_urls("dashboard:"):
        kwargs = {k: ids[k] for k in keys}
        if name.startswith("coop:line"):
            kwargs = {"pk": line_b.pk}
        url = reverse(name, kwargs=kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (403, 404, 405) or (
                response.status_code == 302 and "/accounts/login/" in response["Location"]
            ), (name, method, response.status_code)
            checked.append(name)
    assert len(checked) > 40
    product_b.refresh_from_db()
    assert product_b.title == "Sản phẩm của B"


def test_a_user_of_no_cooperative_gets_403_on_coop_screens(client):
    client.force_login(UserFactory())
    assert client.get(reverse("coop:product-list")).status_code == 403
    assert client.get(reverse("coop:product-create")).status_code == 403


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("coop:product-list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/shop/accounts/login/")


def test_staff_updates_their_cooperatives_phone_story_and_logo(staff_client):
    client, cooperative = staff_client
    page = client.get(reverse("coop:profile")).content.decode()
    assert "Cần sửa tên, loại hình, mã số thuế hoặc địa bàn?" in page
    logo = SimpleUploadedFile("logo.png", _image_bytes("PNG", size=(300, 300)), content_type="image/png")
    response = client.post(
        reverse("coop:profile"),
        {"phone": "0912345678", "address": "Bản Nà Hạ", "story": "Hái tay, phơi nắng.", "logo": logo},
    )
    assert response.status_code == 302
    cooperative.refresh_from_db()
    assert (cooperative.phone, cooperative.address, cooperative.story) == (
        "0912 345 678",
        "Bản Nà Hạ",
        "Hái tay, phơi nắng.",
    )
    assert cooperative.logo.name.endswith(".webp")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"phone": "12345"}, "phone", "Số điện thoại không hợp lệ. Ví dụ: 0912 345 678 hoặc 0212 3850 111."),
        ({"phone": "+1 202 555 0143"}, "phone", "Số điện thoại không hợp lệ. Ví dụ: 0912 345 678 hoặc 0212 3850 111."),
        (
            {"logo": SimpleUploadedFile("logo.gif", _image_bytes("GIF"), content_type="image/gif")},
            "logo",
            "Chỉ nhận ảnh JPEG, PNG hoặc WebP.",
        ),
    ],
)
def test_bad_profile_input_gets_a_vietnamese_error_and_changes_nothing(staff_client, data, field, message):
    client, cooperative = staff_client
    response = client.post(reverse("coop:profile"), {"phone": "", "address": "", "story": "Mới", **data})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    cooperative.refresh_from_db()
    assert cooperative.story == ""
    assert not cooperative.logo
