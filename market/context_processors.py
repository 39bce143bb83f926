from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _


def _menu():
    from wagtail.models import Page

    pages = Page.objects.live().in_menu().filter(depth=3).order_by("path").only("title", "url_path", "path", "depth")
    items = [(reverse("catalogue:index"), _("Sản phẩm"))]
    items += [(page.url, page.title) for page in pages]
    return items


def site_nav(request):
    """The main menu: the catalogue, then the top-level Wagtail pages marked "show in menu"."""
    return {"site_menu": SimpleLazyObject(_menu)}
