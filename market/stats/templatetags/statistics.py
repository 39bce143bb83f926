import datetime
from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.money import format_vnd
from market.stats.tables import Suppressed

register = template.Library()


@register.filter
def stat_cell(value, kind: str = "int"):
    """One statistics cell in the page's language: 1.234 and 45,6 % in Vietnamese (1,234 and
    45.6 % in English); money always as 125.000 ₫; dates as 26/11/2026."""
    if value is None:
        return "—"
    if isinstance(value, Suppressed):
        return format_html('<span class="suppressed" title="{}">{}</span>', _("Ít hơn 3 tiểu thương: ẩn"), value)
    if kind == "money":
        return format_vnd(value)
    if kind in ("percent", "decimal"):
        text = number_format(Decimal(value), 1, use_l10n=True, force_grouping=True)
        return f"{text} %" if kind == "percent" else text
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return number_format(value, use_l10n=True, force_grouping=True)
    return value
