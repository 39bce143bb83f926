from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = pgettext_lazy("menu", "Thanh toán")
