"""Writes for cooperative staff: their products, stock and OCOP certificates."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from .models import Cooperative, OcopCertification

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")

OCOP_PRODUCT_CLASS_SLUG = "ocop"
# The lowest price a cooperative may set, in whole dong: nothing is sold for less, and a
# price of 0 ₫ would let anyone order the product for nothing (checkout refuses that too).
PRICE_MIN = Decimal(1000)


@dataclass(frozen=True)
class CertificationData:
    stars: int
    number: str
    level: str
    decision_date: datetime.date
    valid_until: datetime.date


def product_class_ocop() -> "ProductClass":
    product_class, _created = ProductClass.objects.get_or_create(
        slug=OCOP_PRODUCT_CLASS_SLUG,
        defaults={"name": "Sản phẩm OCOP", "requires_shipping": True, "track_stock": True},
    )
    return product_class


@transaction.atomic
def product_save(
    *,
    cooperative: Cooperative,
    product: "Product | None" = None,
    title: str,
    category,
    description: str,
    unit: str,
    price: Decimal,
    num_in_stock: int,
    is_public: bool = True,
    photos: list[ContentFile] = (),
    delete_image_ids: list[int] = (),
    certification: CertificationData | None = None,
) -> "Product":
    """Create or update one of ``cooperative``'s products with its stock record and photos.

    The caller has already checked that ``product`` belongs to ``cooperative``; this
    re-checks under a row lock so a stale form cannot write into another's stock.
    """
    if product is None:
        product = Product(product_class=product_class_ocop(), structure=Product.STANDALONE)
    else:
        product = Product.objects.select_for_update().get(pk=product.pk)
        if not product.stockrecords.filter(partner=cooperative.partner).exists():
            raise PermissionDenied(_("Sản phẩm này thuộc hợp tác xã khác."))
    product.title = title
    product.description = description
    product.unit = unit
    product.is_public = is_public
    product.save()

    ProductCategory.objects.filter(product=product).exclude(category=category).delete()
    ProductCategory.objects.get_or_create(product=product, category=category)

    stockrecord, _created = StockRecord.objects.select_for_update().get_or_create(
        product=product,
        partner=cooperative.partner,
        defaults={"partner_sku": f"{cooperative.slug}-{product.pk}", "price": price, "num_in_stock": num_in_stock},
    )
    stockrecord.price = price
    stockrecord.price_currency = "VND"
    stockrecord.num_in_stock = num_in_stock
    stockrecord.save()

    for image in ProductImage.objects.filter(product=product, pk__in=list(delete_image_ids)):
        image.delete()
    next_order = (product.images.order_by("-display_order").values_list("display_order", flat=True).first() or 0) + 1
    for offset, photo in enumerate(photos):
        ProductImage.objects.create(product=product, original=photo, display_order=next_order + offset)

    if certification is not None:
        product_certification_set(product=product, data=certification)
    return product


def product_certification_set(*, product: "Product", data: CertificationData) -> OcopCertification:
    """Record an OCOP decision. The same decision number updates; a new number adds one."""
    cert, _created = OcopCertification.objects.update_or_create(
        product=product,
        number=data.number,
        defaults={
            "stars": data.stars,
            "level": data.level,
            "decision_date": data.decision_date,
            "valid_until": data.valid_until,
        },
    )
    return cert


@transaction.atomic
def cooperative_profile_update(
    *,
    cooperative: Cooperative,
    phone: str,
    address: str,
    story: str,
    logo: ContentFile | None = None,
    remove_logo: bool = False,
) -> Cooperative:
    """What a cooperative may change about itself. Legal name, tax code and the
    administrative units stay with platform staff, who check them against the registration."""
    cooperative = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
    cooperative.phone = phone
    cooperative.address = address
    cooperative.story = story
    if remove_logo and cooperative.logo:
        cooperative.logo.delete(save=False)
    if logo is not None:
        cooperative.logo.save(logo.name, logo, save=False)
    cooperative.save()
    return cooperative
