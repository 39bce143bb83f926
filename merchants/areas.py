"""Which area an organiser answers for. A platform admin (superuser) has the whole country; an
organiser has their ``OrganiserArea``; anyone else has none. ``Area`` itself is in ``core.areas``."""

from core.areas import Area

from .models import OrganiserArea


def area_of(user) -> Area | None:
    """The user's area, or None when they are no organiser (nor a platform admin)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Area()
    found = getattr(user, "_organiser_area", None)
    if found is None:
        found = OrganiserArea.objects.filter(user=user).values_list("province_code", "commune_code").first() or ()
        user._organiser_area = found
    return Area(*found) if found else None
