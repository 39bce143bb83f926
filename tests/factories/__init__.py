"""Factories build on Oscar's own (``oscar.test.factories``) and on our services."""

import datetime
import re
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone
from oscar.core.loading import get_model
from oscar.test.factories import PartnerFactory

from ocop_catalog.models import Cooperative, OcopCertification
from ocop_catalog.services import CertificationData, product_certification_set, product_save

Category = get_model("catalogue", "Category")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@choso.test")
    password = factory.PostGenerationMethodCall("set_password", "pass-1234")


class CooperativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cooperative

    partner = factory.SubFactory(PartnerFactory, name=factory.Sequence(lambda n: f"HTX Số {n}"))
    slug = factory.Sequence(lambda n: f"htx-{n}")
    legal_name = factory.LazyAttribute(lambda c: f"Hợp tác xã {c.partner.name}")
    kind = Cooperative.Kind.HTX
    province_code = 14
    commune_code = 3646  # Phường Tô Hiệu, Sơn La

    @factory.post_generation
    def staff(self, create, extracted, **kwargs):
        for user in extracted or []:
            self.partner.users.add(user)


def category(name="Đồ uống") -> "Category":
    found = Category.objects.filter(name=name, depth=1).first()
    return found or Category.add_root(name=name)


def make_product(
    *,
    cooperative=None,
    title="Cà phê Arabica",
    price=125000,
    stock=10,
    stars=None,
    expired=False,
    category_name="Đồ uống",
    unit="gói 500 g",
    photos=(),
):
    """A product as cooperative staff would create it, through ``product_save``."""
    cooperative = cooperative or CooperativeFactory()
    product = product_save(
        cooperative=cooperative,
        title=title,
        category=category(category_name),
        description="",
        unit=unit,
        price=Decimal(price),
        num_in_stock=stock,
        photos=list(photos),
    )
    if stars:
        today = timezone.localdate()
        until = today - datetime.timedelta(days=1) if expired else today + datetime.timedelta(days=365)
        product_certification_set(
            product=product,
            data=CertificationData(
                stars=stars,
                number=f"{product.pk}/QĐ-UBND-{stars}",
                level=OcopCertification.Level.PROVINCIAL,
                decision_date=until - datetime.timedelta(days=3 * 365),
                valid_until=until,
            ),
        )
    return product


def place_order(*products, quantity=1):
    """An Oscar order holding one line per product, placed through Oscar's OrderCreator."""
    from oscar.apps.partner.strategy import Default
    from oscar.test.factories import create_order

    basket = get_model("basket", "Basket").objects.create()
    basket.strategy = Default()
    for product in products:
        basket.add_product(product, quantity)
    return create_order(basket=basket)


BUYER = {
    "name": "Nguyễn Thị Lan",
    "phone": "0912 345 678",
    "email": "lan@example.vn",
    "shipping_method": "delivery",
    "province": "14",  # Sơn La
    "commune": "3646",  # Phường Tô Hiệu
    "street": "Số 5, tổ 3",
    "notes": "",
    "payment_method": "vietqr",
}


def checkout(client, products, *, quantity=1, place=True, **details):
    """Drive the real checkout pages with the test client: basket, details, preview, place order.

    Returns the last response (the redirect to the order page when ``place``).
    """
    from django.urls import reverse

    for product in products:
        response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity}, follow=False)
        assert response.status_code in (200, 302), response.status_code
    response = client.post(reverse("checkout:index"), {**BUYER, **details})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("checkout:preview")
    if not place:
        return response
    return client.post(reverse("checkout:preview"), {"action": "place_order"})


def order_number_from(response) -> str:
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


# A vendor's application as the public form at /stalls/apply/ posts it (add "market").
VENDOR_FORM = {
    "name": "Lò Thị Hoa",
    "phone": "0912 345 678",
    "stall_code": "b12",
    "place": "Dãy B, số 12",
    "goods": "Rau",
    "bank_bin": "970436",
    "account_number": "0011001234567",
    "holder_name": "Lò Thị Hoa",
    "consent": "on",
}


def market(*, slug="cho-trung-tam", name="Chợ Trung tâm Sơn La", stalls=0, declared=60):
    from merchants.models import Market, Stall

    found, _created = Market.objects.get_or_create(
        slug=slug,
        defaults={"name": name, "province_code": 14, "commune_code": 3646, "declared_stalls": declared},
    )
    for n in range(1, stalls + 1):
        Stall.objects.get_or_create(
            market=found, code=f"B{n:02d}", defaults={"goods": "Rau củ", "place": f"Dãy B, số {n}"}
        )
    return found


def vendor_with_qr(market_, *, code: str, phone: str, approve: bool = True, submitted_by=None):
    """A vendor's application for stall ``code`` through the services; approved (QR issued) unless told not."""
    from merchants.services import application_approve, application_submit, stall_for_application

    digits = "".join(ch for ch in phone if ch.isdigit())
    application = application_submit(
        stall=stall_for_application(market=market_, code=code),
        name="Lò Thị Hoa",
        phone=phone,
        bank_bin="970436",
        account_number=f"88{digits}",
        holder_name="Lo Thi Hoa",
        consent=True,
        submitted_by=submitted_by,
    )
    if approve:
        application_approve(application=application, reviewer=UserFactory())
    return application


def pdf_page_images(pdf: bytes) -> list:
    """The page images inside a placard PDF (each page is one JPEG stream), as Pillow images:
    what a printer would print, for decoding with zxing."""
    import io
    import re

    from PIL import Image

    images = []
    for match in re.finditer(rb"/Filter /DCTDecode /Length (\d+) >>\nstream\n", pdf):
        start = match.end()
        images.append(Image.open(io.BytesIO(pdf[start : start + int(match.group(1))])))
    return images


def slip_code(response) -> str:
    """The one-time code on the approval slip the organiser is shown once."""
    assert response.status_code == 200, response.status_code
    return "".join(re.search(r'class="slip-code">(\d{3}) (\d{3})<', response.content.decode()).groups())


def with_perm(codename, *, province_code=14, commune_code=None):
    """A user with the permission; organisers also get their area (the demo province)."""
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename=codename))
    if codename == "review_application":
        from merchants.models import OrganiserArea

        OrganiserArea.objects.create(user=user, province_code=province_code, commune_code=commune_code)
    return user
