"""Writes for the login doors (two-factor devices, lifting a lockout) and for the site's
public address (the Django and Wagtail site rows), and the first platform admin."""

import secrets
import time
from binascii import unhexlify

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Page
from wagtail.models import Site as WagtailSite

from core.urls import SiteAddress

DEVICE_NAME = "Ứng dụng xác thực"


def two_factor_device_confirm(*, user, key: str, token: str) -> TOTPDevice:
    """Turn two-factor codes on, or move them to a new phone: the first code the app shows
    proves the secret ``key`` (hex, from the setup page) was copied. Replaces any earlier
    device of the user, so a lost phone's codes stop working. Raises ValidationError."""
    device = TOTPDevice(user=user, key=key, name=DEVICE_NAME, confirmed=True)
    totp = TOTP(unhexlify(key.encode()), device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(token), tolerance=device.tolerance):
        raise ValidationError(_("Mã không đúng. Hãy nhập mã đang hiện trong ứng dụng."), code="invalid")
    device.last_t = totp.t()  # this code cannot be used again to verify
    device.drift = totp.drift
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device.save()
    return device


def two_factor_verify(*, user, token: str) -> TOTPDevice:
    """Check a code against the user's device. django-otp also slows down a device after
    wrong codes (1, 2, 4… seconds, whatever the address) and refuses a code already used.
    Raises ValidationError; a wrong code is recorded before it is raised."""
    error = None
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            error = ValidationError(_("Tài khoản này chưa bật mã xác thực."), code="no-device")
        elif not device.verify_is_allowed()[0]:
            error = ValidationError(_("Vừa nhập sai mã: hãy chờ vài giây rồi nhập mã mới."), code="throttled")
        elif not device.verify_token(token):
            error = ValidationError(_("Mã không đúng hoặc đã hết hạn."), code="invalid")
    if error is not None:  # raised outside the transaction, so the failure count is kept
        raise error
    return device


def login_lockouts_clear(*, attempts) -> int:
    """Lift the lockouts of these axes ``AccessAttempt`` rows (the admin's "Mở khoá")."""
    count = attempts.count()
    attempts.delete()
    return count


def site_address_apply(*, address: SiteAddress) -> tuple[Site, WagtailSite]:
    """Write SITE_URL's host into the Django ``Site`` (Oscar's emails link to its domain) and
    Wagtail's default site. Running it again changes nothing. The Wagtail site keeps its root
    page; a database without one gets the first top-level page. Raises ValidationError."""
    with transaction.atomic():
        site, _created = Site.objects.update_or_create(
            pk=settings.SITE_ID, defaults={"domain": address.domain, "name": address.domain}
        )
        wagtail_site = WagtailSite.objects.filter(is_default_site=True).first()
        if wagtail_site is None:
            root = Page.objects.filter(depth=2).order_by("path").first()
            if root is None:
                raise ValidationError("no Wagtail page to serve: run migrate first")
            wagtail_site = WagtailSite(is_default_site=True, root_page=root, site_name=settings.WAGTAIL_SITE_NAME)
        clash = WagtailSite.objects.filter(hostname=address.hostname, port=address.port).exclude(pk=wagtail_site.pk)
        if clash.exists():
            raise ValidationError(f"another Wagtail site already answers on {address.hostname}:{address.port}")
        wagtail_site.hostname = address.hostname
        wagtail_site.port = address.port
        wagtail_site.save()
    return site, wagtail_site


def platform_admin_create(*, username: str, email: str, password: str = "") -> tuple[object, str]:
    """The first platform admin (a superuser) on a fresh site. Without ``password`` one is made
    up and returned, to be shown once. Raises ValidationError if the username is taken or the
    password is weak; nothing is written then. Two-factor codes are asked for at first login
    where ``OTP_REQUIRED_FOR_STAFF`` is on."""
    User = get_user_model()
    username, email = username.strip(), email.strip()
    if not username or not email:
        raise ValidationError("an admin needs both a username and an email")
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"user {username} already exists; nothing changed")
    made_up = not password
    password = password or secrets.token_urlsafe(15)
    user = User(username=username, email=email, is_staff=True, is_superuser=True)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return user, password if made_up else ""
