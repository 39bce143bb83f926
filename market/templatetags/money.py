from django import template

from core.money import format_vnd

register = template.Library()


@register.filter(name="vnd")
def vnd(value):
    """``{{ price|vnd }}`` → ``125.000 ₫``. The only way a template prints money."""
    return format_vnd(value)
