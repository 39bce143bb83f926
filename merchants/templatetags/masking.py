from django import template

from merchants.placards import mask_account

register = template.Library()


@register.filter
def masked(number: str) -> str:
    """An account or CCCD number with only its last 4 characters: “•••• 4567” (as on the placard)."""
    return mask_account(number or "")
