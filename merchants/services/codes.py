"""A vendor's password, first or forgotten, set only with a one-time code that reaches the vendor
out of band: on the approval slip the organiser hands over in person, and by SMS where
``SMS_BACKEND`` sends. Knowing a reference and a phone number is never enough. A code dies after
``VENDOR_CODE_VALID`` or ``VENDOR_CODE_MAX_FAILURES`` wrong tries, counted in the database per
vendor, whatever address the tries come from; it never opens a login with more than a
vendor's rights.
"""

import datetime
import functools
import logging
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.phones import e164, parse_vn_phone
from core.urls import absolute_url
from merchants.areas import area_of

from ..models import IssuedQR, Merchant, MerchantEvent
from .notices import merchant_event, merchant_notice_send_on_commit, vietnamese

logger = logging.getLogger(__name__)
CODE_DIGITS = 6


@functools.cache
def dummy_hash() -> str:
    """A hash to check against when there is no code, so both answers take the same time.
    Made on first use: PBKDF2 is slow on purpose, and start-up should not pay for it."""
    return make_password("not-a-code")


def privileged(user) -> bool:
    """A login that is more than a vendor's (staff, organiser, agent, cooperative staff):
    never handed over through a vendor's one-time code."""
    return user.is_staff or user.is_superuser or user.groups.exists() or user.user_permissions.exists()


def _bad_code() -> ValidationError:
    return ValidationError(
        {"code": [_("Mã không đúng hoặc đã hết hạn. Hãy hỏi ban quản lý chợ để được cấp mã mới.")]}, code="bad_code"
    )


def merchant_password_code_issue(
    *, merchant: Merchant, actor, client_ip: str | None = None, reason: str = "reset"
) -> tuple[str, datetime.datetime]:
    """A new one-time code for the vendor to set a password with; any earlier code dies.

    For ``reason="reset"`` (the vendor forgot), the current password stops working at once.
    Returns (code, expiry); only its hash is stored. Where SMS sends, the vendor's phone gets
    it and no one else should see it; where it does not, the organiser is shown it once, on
    the slip they hand over."""
    user = merchant.user
    if user is not None and privileged(user):
        raise ValidationError(_("Không thể đặt lại mật khẩu của tài khoản quản trị ở đây."))
    if reason == "reset":
        # The code opens every stall of the vendor: only an organiser of all their markets
        # may issue it.
        area = area_of(actor)
        outside = [
            qr.stall.market.name
            for qr in IssuedQR.objects.filter(application__merchant=merchant, revoked_at__isnull=True).select_related(
                "stall__market"
            )
            if area is None
            or not area.contains(province_code=qr.stall.market.province_code, commune_code=qr.stall.market.commune_code)
        ]
        if outside:
            raise ValidationError(
                _("Tiểu thương này còn có sạp ở %(markets)s, ngoài địa bàn của bạn. Hãy nhờ ban quản lý nơi đó.")
                % {"markets": ", ".join(sorted(set(outside)))}
            )
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    expires = timezone.now() + settings.VENDOR_CODE_VALID
    with transaction.atomic():
        Merchant.objects.select_for_update().filter(pk=merchant.pk).first()  # one code at a time
        if reason == "reset" and user is not None and user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        merchant.password_code_hash = make_password(code)
        merchant.password_code_expires = expires
        merchant.password_code_failures = 0
        merchant.save(update_fields=["password_code_hash", "password_code_expires", "password_code_failures"])
        merchant_event(
            merchant=merchant, action=MerchantEvent.Action.CODE_ISSUED, actor=actor, client_ip=client_ip, detail=reason
        )
        merchant_notice_send_on_commit(
            merchant=merchant,
            application=None,
            kind="code",
            text=vietnamese(
                gettext_noop(
                    "Chợ Số: mã đặt mật khẩu của bạn là %(code)s, dùng đến %(until)s. Mở %(url)s, nhập số điện "
                    "thoại và mã này. Không đưa mã cho ai."
                ),
                {
                    "code": code,
                    "until": formats.date_format(timezone.localtime(expires), "d/m/Y"),
                    "url": absolute_url(reverse("merchants:vendor-password")),
                },
            ),
        )
    return code, expires


def merchant_password_set(*, phone: str, code: str, password: str, client_ip: str | None = None):
    """Set the vendor's password with their one-time code. Raises ValidationError on a bad
    phone (``phone``), a wrong or dead code (``code``, the same message whether or not the
    phone is a vendor's), or a weak password (``password``, the code stays usable)."""
    try:
        phone_e164 = e164(parse_vn_phone(phone, mobile_only=True))
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from None
    typed = "".join(ch for ch in code or "" if ch.isdigit())  # "718 286" is 718286
    wrong = False
    with transaction.atomic():
        merchant = (
            Merchant.objects.select_for_update(of=("self",)).select_related("user").filter(phone=phone_e164).first()
        )
        if (
            merchant is None
            or not merchant.password_code_hash
            or merchant.password_code_expires is None
            or merchant.password_code_expires <= timezone.now()
            or merchant.password_code_failures >= settings.VENDOR_CODE_MAX_FAILURES
            or (merchant.user is not None and privileged(merchant.user))
        ):
            check_password(typed, dummy_hash())  # the same time as a real check: no phone is told apart
            raise _bad_code()
        if not check_password(typed, merchant.password_code_hash):
            # Counted and committed before the refusal: the limit holds whatever the address.
            merchant.password_code_failures += 1
            merchant.save(update_fields=["password_code_failures"])
            merchant_event(
                merchant=merchant,
                action=MerchantEvent.Action.CODE_FAILED,
                client_ip=client_ip,
                detail=f"{merchant.password_code_failures}/{settings.VENDOR_CODE_MAX_FAILURES}",
            )
            wrong = True
        else:
            user = merchant.user
            if user is None:
                if get_user_model().objects.filter(username=merchant.phone.as_e164).exists():
                    raise ValidationError(
                        {"phone": [_("Số điện thoại này đã có một tài khoản khác. Hãy nhờ ban quản lý chợ.")]}
                    )
                user = get_user_model()(username=merchant.phone.as_e164, first_name=merchant.name[:150])
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise ValidationError({"password": exc.messages}) from None
            user.set_password(password)
            user.save()
            merchant.user = user
            merchant.password_code_hash, merchant.password_code_expires = "", None
            merchant.password_code_failures = 0
            merchant.save(
                update_fields=["user", "password_code_hash", "password_code_expires", "password_code_failures"]
            )
            merchant_event(merchant=merchant, action=MerchantEvent.Action.PASSWORD_SET, actor=user, client_ip=client_ip)
    if wrong:
        raise _bad_code()
    return user
