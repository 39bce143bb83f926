from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import AbstractProduct


class Product(AbstractProduct):
    # What one unit of stock is: "gói 500 g", "hộp 10 túi lọc", "chai 500 ml".
    unit = models.CharField(_("Đơn vị bán"), max_length=40, default="")


from oscar.apps.catalogue.models import *  # noqa: E402,F401,F403
