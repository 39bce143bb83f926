"""Reads for the storefront and the cooperative screens.

Why a database-backed listing: Oscar 4.2's stock catalogue browse goes through Haystack,
and with the simple backend it lists no products at all. A commune's catalogue holds
hundreds of products, not millions, so plain SQL with the right prefetches does every
filter we need (stars, province, cooperative, category, accent-free search) at a fixed
query count, on SQLite and PostgreSQL alike, with no index to keep in step.
"""

from dataclasses import dataclass

from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from oscar.core.loading import get_model

from core import geo
from core.text import fold

from .models import Cooperative, OcopCertification

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
Category = get_model("catalogue", "Category")
StockRecord = get_model("partner", "StockRecord")


class Sort:
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    ALL = (NEWEST, PRICE_ASC, PRICE_DESC)


@dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    stars: int | None = None
    province: int | None = None
    cooperative: str | None = None  # Cooperative.slug
    category: Category | None = None
    sort: str = Sort.NEWEST


def _valid_certifications():
    return OcopCertification.objects.valid_today().order_by("-stars", "-valid_until")


def product_browsable_queryset() -> QuerySet:
    """The products the public may see and buy: public, stand-alone, with a stock record at a price.

    The one definition of "on sale": the storefront lists these (``product_card_queryset``),
    the basket fork refuses anything else (``ocop_catalog.basket.views``) and checkout
    re-checks the basket against it before placing an order. Narrow it here, and every one
    of them follows.
    """
    return Product.objects.filter(is_public=True, parent__isnull=True).filter(
        Exists(StockRecord.objects.filter(product=OuterRef("pk"), price__gt=0))
    )


def product_card_queryset() -> QuerySet:
    """Public, stand-alone products with everything a product card shows, in 4 queries."""
    price = StockRecord.objects.filter(product=OuterRef("pk")).order_by("price").values("price")[:1]
    return (
        product_browsable_queryset()
        .annotate(min_price=Subquery(price))
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order", "pk")),
            Prefetch("stockrecords", queryset=StockRecord.objects.select_related("partner__cooperative")),
            Prefetch("ocop_certifications", queryset=_valid_certifications(), to_attr="valid_certifications"),
        )
    )


def product_list(*, filters: CatalogueFilters) -> QuerySet:
    products = product_card_queryset()
    for word in fold(filters.q).split()[:8]:
        products = products.filter(
            Q(title__vn_fold__contains=word)
            | Q(description__vn_fold__contains=word)
            | Exists(StockRecord.objects.filter(product=OuterRef("pk"), partner__name__vn_fold__contains=word))
        )
    if filters.stars:
        products = products.filter(Exists(_valid_certifications().filter(product=OuterRef("pk"), stars=filters.stars)))
    if filters.province:
        products = products.filter(
            Exists(
                StockRecord.objects.filter(product=OuterRef("pk"), partner__cooperative__province_code=filters.province)
            )
        )
    if filters.cooperative:
        products = products.filter(
            Exists(StockRecord.objects.filter(product=OuterRef("pk"), partner__cooperative__slug=filters.cooperative))
        )
    if filters.category is not None:
        subtree = Category.objects.filter(path__startswith=filters.category.path, depth__gte=filters.category.depth)
        products = products.filter(Exists(subtree.filter(product=OuterRef("pk"))))
    folded = fold(filters.q)
    if folded and filters.sort not in (Sort.PRICE_ASC, Sort.PRICE_DESC):
        # A product named after the search comes before one that only mentions it.
        products = products.annotate(
            title_hit=Case(When(title__vn_fold__contains=folded, then=Value(0)), default=Value(1))
        )
        return products.order_by("title_hit", "-date_created", "-pk")
    order = {
        Sort.NEWEST: ("-date_created", "-pk"),
        Sort.PRICE_ASC: ("min_price", "pk"),
        Sort.PRICE_DESC: ("-min_price", "-pk"),
    }[filters.sort if filters.sort in Sort.ALL else Sort.NEWEST]
    return products.order_by(*order)


def product_featured_list(*, chosen_ids: list[int], limit: int) -> list:
    """The editor's picks in their order; when there are none, the best-rated products."""
    products = product_card_queryset()
    if chosen_ids:
        by_id = {p.pk: p for p in products.filter(pk__in=chosen_ids)}
        return [by_id[pk] for pk in chosen_ids if pk in by_id][:limit]
    best_stars = _valid_certifications().filter(product=OuterRef("pk")).order_by("-stars").values("stars")[:1]
    in_stock = Exists(
        StockRecord.objects.filter(product=OuterRef("pk"), num_in_stock__gt=Coalesce(F("num_allocated"), 0))
    )
    ranked = products.annotate(best_stars=Subquery(best_stars), in_stock=in_stock)
    return list(ranked.order_by("-in_stock", F("best_stars").desc(nulls_last=True), "-date_created")[:limit])


def product_list_for_cooperative(*, cooperative: Cooperative) -> QuerySet:
    return product_card_queryset().filter(stockrecords__partner=cooperative.partner).order_by("title")


def product_detail_queryset() -> QuerySet:
    """What the product page needs, loaded up front so its query count is fixed."""
    return Product.objects.select_related("product_class", "parent").prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.order_by("display_order", "pk")),
        Prefetch(
            "stockrecords",
            queryset=StockRecord.objects.select_related("partner__cooperative__page"),
        ),
        Prefetch("ocop_certifications", queryset=OcopCertification.objects.order_by("-valid_until")),
        "categories",
    )


def cooperative_choices() -> list[tuple[str, str]]:
    return list(Cooperative.objects.order_by("partner__name").values_list("slug", "partner__name"))


def cooperative_province_choices() -> list[tuple[int, str]]:
    """Only provinces that have a cooperative: a filter option must be able to find something."""
    codes = set(Cooperative.objects.values_list("province_code", flat=True).distinct())
    return [(code, name) for code, name in geo.province_choices() if code in codes]


def cooperative_for_user(user) -> Cooperative | None:
    """The cooperative whose partner lists ``user`` among its staff, if any."""
    if not user.is_authenticated:
        return None
    return Cooperative.objects.select_related("partner").filter(partner__users=user).first()


def product_list_for_staff(*, cooperative: Cooperative) -> QuerySet:
    """All of a cooperative's products, public or not, for its own product list."""
    return (
        Product.objects.filter(stockrecords__partner=cooperative.partner)
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order", "pk")),
            Prefetch("stockrecords", queryset=StockRecord.objects.filter(partner=cooperative.partner)),
            Prefetch("ocop_certifications", queryset=_valid_certifications(), to_attr="valid_certifications"),
        )
        .order_by("title", "pk")
        .distinct()
    )
