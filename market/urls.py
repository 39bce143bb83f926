from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path, reverse_lazy
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from market.accounts import urls as account_urls
from market.health import healthz
from market.media import media_serve
from market.stats import urls as stats_urls
from merchants import urls as merchant_urls
from ocop_catalog import urls as coop_urls
from payments import coop as payment_coop
from payments import urls as payment_urls


class CatalogueSearchRedirectView(RedirectView):
    """Oscar's /shop/search/ reads Haystack; send searches to the catalogue, which folds accents."""

    url = reverse_lazy("catalogue:index")
    query_string = True


urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The cooperative's screens: its products and profile (ocop_catalog), its orders and figures (payments).
    path("coop/", include((coop_urls.urlpatterns + payment_coop.urlpatterns, coop_urls.app_name))),
    path("", include(payment_urls)),
    path("stalls/", include(merchant_urls)),
    path("stats/", include(stats_urls)),
    path("tai-khoan/", include(account_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("shop/search/", CatalogueSearchRedirectView.as_view(), name="shop-search-redirect"),
    path("shop/", include(apps.get_app_config("oscar").urls[0])),
]

if settings.SERVE_MEDIA:
    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<name>.+)$", media_serve, name="media")]

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "market.views.page_not_found"
