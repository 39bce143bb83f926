from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "market.stats"
    label = "stats"
    verbose_name = _("Thống kê")
    default_auto_field = "django.db.models.BigAutoField"
