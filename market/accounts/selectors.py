"""Reads about a user's two-factor state."""

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice


def two_factor_expected(*, user) -> bool:
    """Who must use codes when ``OTP_REQUIRED_FOR_STAFF`` is on: platform staff and organisers.

    Organisers are named by permission, not by group, so an area official given the
    permission directly counts too (and superusers, who hold every permission).
    """
    return user.is_staff or user.has_perm("merchants.review_application")


def two_factor_device(*, user) -> TOTPDevice | None:
    """The user's confirmed TOTP device (setup keeps at most one)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_step(*, user) -> str | None:
    """What a signed-in user whose session has not entered a code must do first:
    ``"verify"`` (they have a device), ``"setup"`` (they must have one), or None."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return "verify"
    if settings.OTP_REQUIRED_FOR_STAFF and two_factor_expected(user=user):
        return "setup"
    return None
