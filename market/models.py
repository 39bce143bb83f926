"""The Wagtail site: home, news, cooperative profiles and plain pages.

Each ``XIndexPage``/``XPage`` pair declares its place in the tree. A ``CooperativePage``
points at the ``ocop_catalog.Cooperative`` record and shows its fields live: the record
is the one home of a cooperative's facts, the page only adds an editor's words around it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index


class HomePage(Page):
    intro = models.CharField(_("Lời chào"), max_length=255, blank=True)
    body = RichTextField(_("Nội dung"), blank=True)
    featured_limit = models.PositiveSmallIntegerField(_("Số sản phẩm nổi bật"), default=8)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("featured_limit"),
        InlinePanel("featured_products", label=_("Sản phẩm nổi bật (để trống: tự chọn theo số sao)")),
    ]
    subpage_types = ["market.NewsIndexPage", "market.CooperativeIndexPage", "market.StandardPage"]
    max_count = 1

    class Meta:
        verbose_name = _("Trang chủ")

    def get_context(self, request, *args, **kwargs):
        from ocop_catalog.selectors import product_featured_list

        context = super().get_context(request, *args, **kwargs)
        context["featured_products"] = product_featured_list(
            chosen_ids=[f.product_id for f in self.featured_products.all()], limit=self.featured_limit
        )
        context["latest_news"] = news_latest(limit=3)
        context["cooperative_pages"] = cooperative_page_list()
        return context


class HomePageFeaturedProduct(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_products")
    product = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE, verbose_name=_("Sản phẩm"))

    panels = [FieldPanel("product")]


class StandardPage(Page):
    body = RichTextField(_("Nội dung"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    subpage_types = ["market.StandardPage"]

    class Meta:
        verbose_name = _("Trang thông tin")


class NewsIndexPage(Page):
    intro = models.CharField(_("Giới thiệu"), max_length=255, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["market.HomePage"]
    subpage_types = ["market.NewsPage"]

    class Meta:
        verbose_name = _("Trang danh sách tin tức")

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        news = NewsPage.objects.live().child_of(self).order_by("-date", "-pk")
        context["news_page"] = Paginator(news, 10).get_page(request.GET.get("page"))
        return context


class NewsPage(Page):
    date = models.DateField(_("Ngày đăng"))
    intro = models.CharField(_("Tóm tắt"), max_length=255, blank=True)
    body = RichTextField(_("Nội dung"))
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("Ảnh")
    )

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["market.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Tin tức")
        verbose_name_plural = _("Tin tức")


class CooperativeIndexPage(Page):
    intro = models.CharField(_("Giới thiệu"), max_length=255, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["market.HomePage"]
    subpage_types = ["market.CooperativePage"]

    class Meta:
        verbose_name = _("Trang danh sách hợp tác xã")

    def get_context(self, request, *args, **kwargs):

        context = super().get_context(request, *args, **kwargs)
        context["cooperative_pages"] = cooperative_page_list(parent=self)
        return context


class CooperativePage(Page):
    cooperative = models.OneToOneField(
        "ocop_catalog.Cooperative", on_delete=models.PROTECT, related_name="page", verbose_name=_("Hợp tác xã")
    )
    intro = models.CharField(_("Giới thiệu ngắn"), max_length=255, blank=True)
    body = RichTextField(_("Bài viết thêm"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("cooperative"), FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["market.CooperativeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Trang hợp tác xã")

    def get_context(self, request, *args, **kwargs):
        from ocop_catalog.selectors import product_list_for_cooperative

        context = super().get_context(request, *args, **kwargs)
        context["products"] = product_list_for_cooperative(cooperative=self.cooperative)
        return context


# The pages' own reads (kept beside the pages they read, so the two never import each other).


def news_latest(*, limit: int = 3):
    return list(NewsPage.objects.live().public().order_by("-date", "-pk")[:limit])


def cooperative_page_list(*, parent=None):
    pages = CooperativePage.objects.live().public().select_related("cooperative__partner").order_by("title")
    if parent is not None:
        pages = pages.child_of(parent)
    return list(pages)
