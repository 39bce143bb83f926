import datetime
from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from market.money import format_vnd
from market.stats.tables import Suppressed

register = template.Library()


def _dots(number: int) -> str:
    return f"{number:,}".replace(",", ".")


@register.filter
def stat_cell(value, kind: str = "int"):
    """One statistics cell as Vietnamese readers write it: 1.234, 45,6 %, 125.000 ₫, 26/11/2026."""
    if value is None:
        return "—"
    if isinstance(value, Suppressed):
        return format_html('<span class="suppressed" title="{}">{}</span>', _("Ít hơn 3 tiểu thương: ẩn"), value)
    if kind == "money":
        return format_vnd(value)
    if kind in ("percent", "decimal"):
        text = f"{Decimal(value):.1f}".replace(".", ",")
        return f"{text} %" if kind == "percent" else text
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return _dots(value)
    return value
