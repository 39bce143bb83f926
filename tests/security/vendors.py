"""What the vendor-door tests share: the victim's phone, an organiser, addresses that rotate."""

from django.contrib.auth.models import Permission

from merchants.models import OrganiserArea
from tests.factories import UserFactory

VICTIM_PHONE = "0900 000 002"
NO_STORE = "max-age=0, no-cache, no-store, must-revalidate, private"


def organiser():
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="review_application"))
    OrganiserArea.objects.create(user=user, province_code=14)
    return user


def from_address(client, n):
    """Each request from another client address, as a botnet or a rotating proxy would send it."""
    return {"REMOTE_ADDR": f"198.51.100.{n % 250 + 1}"}
