from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "market.accounts"
    label = "accounts"
    verbose_name = _("Đăng nhập và bảo mật")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
