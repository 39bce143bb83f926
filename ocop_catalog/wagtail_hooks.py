"""Cooperatives in the Wagtail admin (/cms/), where platform staff keep the records that
cooperative profile pages point at."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core import geo

from .models import Cooperative


class CooperativeViewSet(SnippetViewSet):
    model = Cooperative
    icon = "group"
    menu_label = _("Hợp tác xã")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["name", "kind", "province_name", "commune_name", "phone"]
    search_fields = ["legal_name", "partner__name", "tax_code"]
    panels = [
        FieldPanel("partner"),
        FieldPanel("slug"),
        FieldPanel("legal_name"),
        FieldPanel("kind"),
        FieldPanel("tax_code"),
        MultiFieldPanel(
            [
                FieldPanel("province_code"),
                FieldPanel("commune_code", widget=forms.Select(choices=geo.commune_choices_grouped)),
                FieldPanel("address"),
            ],
            heading=_("Địa chỉ (đơn vị hành chính từ 1/7/2025)"),
        ),
        FieldPanel("phone"),
        MultiFieldPanel(
            [FieldPanel("shipping_fee"), FieldPanel("pickup_point")],
            heading=_("Giao hàng và nhận tại chợ"),
        ),
        FieldPanel("story"),
        FieldPanel("logo"),
    ]


register_snippet(CooperativeViewSet)
