from django import template

from payments import status

register = template.Library()


@register.filter
def status_label(code: str) -> str:
    """An order status code as a person reads it: ``awaiting-payment`` → “Chờ thanh toán”."""
    return status.label(code)
