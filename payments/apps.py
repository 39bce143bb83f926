from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = pgettext_lazy("menu", "Thanh toán")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
