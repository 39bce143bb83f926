from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "market"
    verbose_name = _("Trang thông tin")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .roles import roles_ensure

        post_migrate.connect(roles_ensure, dispatch_uid="market.roles_ensure")
