from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OcopCatalogConfig(AppConfig):
    name = "ocop_catalog"
    verbose_name = _("Hợp tác xã và sản phẩm OCOP")

    def ready(self):
        from . import lookups  # noqa: F401  registers the |vn_search transform
