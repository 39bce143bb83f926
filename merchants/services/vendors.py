"""The vendor's login and payout account: the most sensitive writes in the system.

- A password (the first, or a new one after it was forgotten) is set only with a one-time
  code that reaches the vendor out of band: on the approval slip the organiser hands over in
  person, and by SMS where ``SMS_BACKEND`` sends. Knowing a reference and a phone number is
  never enough. A code dies after ``VENDOR_CODE_VALID`` or ``VENDOR_CODE_MAX_FAILURES`` wrong
  tries, counted in the database per vendor, whatever address the tries come from.
- A payout-account change needs the vendor's password again and goes to the organisers'
  review as an application; the stall's QR stays live until it is approved. The vendor's
  phone is told that a change was asked for.
- Every step is a ``MerchantEvent``.
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
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.phones import e164, parse_vn_phone
from core.urls import absolute_url
from merchants.areas import area_of

from ..models import Application, IssuedQR, Merchant, MerchantEvent, Stall
from .applications import CONSENT_VERSION, application_create, bank_account_clean

logger = logging.getLogger(__name__)
CODE_DIGITS = 6


@functools.cache
def dummy_hash() -> str:
    """A hash to check against when there is no code, so both answers take the same time.
    Made on first use: PBKDF2 is slow on purpose, and start-up should not pay for it."""
    return make_password("not-a-code")


def vietnamese(message: str, values: dict) -> str:
    """A text for the vendor's phone: in Vietnamese, whatever language the sender's page is in
    (mark ``message`` with ``gettext_noop``)."""
    with translation.override("vi"):
        return _(message) % values


def merchant_event(
    *, merchant: Merchant, action: str, application=None, actor=None, client_ip: str | None = None, detail: str = ""
) -> MerchantEvent:
    return MerchantEvent.objects.create(
        merchant=merchant,
        application=application,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        client_ip=client_ip or None,
        detail=detail[:255],
    )


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
                if get_user_model().objects.filter(username=merchant.phone).exists():
                    raise ValidationError(
                        {"phone": [_("Số điện thoại này đã có một tài khoản khác. Hãy nhờ ban quản lý chợ.")]}
                    )
                user = get_user_model()(username=merchant.phone, first_name=merchant.name[:150])
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


def merchant_stall_live_qr(*, merchant: Merchant, stall: Stall) -> IssuedQR:
    """The stall's live QR, if it is this vendor's; otherwise the stall is not theirs."""
    qr = IssuedQR.objects.filter(stall=stall, revoked_at__isnull=True, application__merchant=merchant).first()
    if qr is None:
        raise ValidationError(_("Sạp này không phải của bạn."))
    return qr


def merchant_account_change_request(
    *,
    merchant: Merchant,
    stall: Stall,
    password: str,
    bank_bin: str,
    account_number: str,
    holder_name: str,
    is_card: bool,
    actor,
    client_ip: str | None = None,
) -> Application:
    """The vendor asks to be paid into another account. Needs their password again; becomes
    an application for the organisers' review (the current QR stays live until then); the
    vendor's phone and the area's organisers are told."""
    if merchant.user_id is None or merchant.user_id != actor.pk:
        raise ValidationError(_("Chỉ tiểu thương chủ sạp mới đổi được tài khoản nhận tiền."))
    live = merchant_stall_live_qr(merchant=merchant, stall=stall)
    if not actor.check_password(password or ""):
        merchant_event(
            merchant=merchant,
            action=MerchantEvent.Action.ACCOUNT_CHANGE_PASSWORD_FAILED,
            actor=actor,
            client_ip=client_ip,
        )
        raise ValidationError({"password": [_("Mật khẩu không đúng.")]})
    errors: dict[str, list] = {}
    account, holder = bank_account_clean(
        bank_bin=bank_bin, account_number=account_number, holder_name=holder_name, errors=errors
    )
    if not errors and (live.bank_bin, live.account_number) == (str(bank_bin), account):
        errors["account_number"] = [_("Sạp đang nhận tiền vào đúng tài khoản này.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: the one-pending-per-stall constraint
                application = application_create(
                    kind=Application.Kind.ACCOUNT_CHANGE,
                    merchant=merchant,
                    stall=stall,
                    bank_bin=str(bank_bin),
                    account_number=account,
                    is_card=is_card,
                    holder_name=holder,
                    applicant_name=merchant.name,
                    applicant_cccd=merchant.cccd,
                    consent_version=CONSENT_VERSION,
                    consent_at=timezone.now(),
                    submitted_by=actor,
                )
        except IntegrityError:
            raise ValidationError(
                _("Sạp này đã có một hồ sơ đang chờ duyệt. Hãy chờ ban quản lý chợ duyệt xong rồi gửi lại.")
            ) from None
        merchant_event(
            merchant=merchant,
            application=application,
            action=MerchantEvent.Action.ACCOUNT_CHANGE_REQUESTED,
            actor=actor,
            client_ip=client_ip,
            detail=f"{bank_bin} …{account[-4:]}",
        )
        merchant_notice_send_on_commit(
            merchant=merchant,
            application=application,
            kind="account-change-requested",
            text=vietnamese(
                gettext_noop(
                    "Chợ Số: lúc %(time)s có yêu cầu đổi tài khoản nhận tiền của sạp %(code)s sang tài khoản "
                    "…%(last4)s. Nếu không phải bạn, hãy báo ngay ban quản lý chợ."
                ),
                {
                    "time": formats.date_format(timezone.localtime(application.created_at), "H:i d/m/Y"),
                    "code": stall.code,
                    "last4": account[-4:],
                },
            ),
        )
        from ..tasks import organisers_notify_account_change_task

        application_id = application.pk
        transaction.on_commit(lambda: organisers_notify_account_change_task.delay(application_id), robust=True)
    return application


def merchant_account_change_cancel(*, merchant: Merchant, application_id: int, actor, client_ip: str | None = None):
    """The vendor withdraws their own pending account change (asked by mistake, or a change
    they did not ask for, seen on their phone). Recorded as a refusal the vendor wrote, so the
    review queue and the statistics need no new state. Raises ValidationError."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .filter(
                pk=application_id,
                merchant=merchant,
                kind=Application.Kind.ACCOUNT_CHANGE,
                status=Application.Status.SUBMITTED,
            )
            .first()
        )
        if application is None or merchant.user_id != actor.pk:
            raise ValidationError(_("Không còn yêu cầu nào đang chờ để huỷ."))
        application.status = Application.Status.REJECTED
        application.reject_reason = _("Tiểu thương đã tự huỷ yêu cầu.")
        application.reviewed_by, application.reviewed_at = actor, timezone.now()
        application.save(update_fields=["status", "reject_reason", "reviewed_by", "reviewed_at"])
        merchant_event(
            merchant=merchant,
            application=application,
            action=MerchantEvent.Action.ACCOUNT_CHANGE_REJECTED,
            actor=actor,
            client_ip=client_ip,
            detail="cancelled-by-vendor",
        )
    return application


def merchant_notice_send_on_commit(*, merchant: Merchant, application, kind: str, text: str) -> None:
    """Queue a text to the vendor's phone once the transaction commits. With SMS off nothing
    is queued (a code must not wait in the broker for nothing); the log says so."""
    from core.sms import sms_enabled

    from ..tasks import merchant_notice_send_task

    if not sms_enabled():
        merchant_event(
            merchant=merchant,
            application=application,
            action=MerchantEvent.Action.NOTICE_SENT,
            detail=f"{kind}: sms off",
        )
        return

    request_id = f"choso-{kind}-{merchant.pk}-{secrets.token_hex(6)}"  # the same on every retry
    args = (merchant.pk, application.pk if application else None, kind, text, request_id)
    transaction.on_commit(lambda: merchant_notice_send_task.delay(*args), robust=True)


def merchant_notice_send(
    *, merchant_id: int, application_id: int | None, kind: str, text: str, request_id: str
) -> bool:
    """Send one text to the vendor's phone and log it (the log names the kind, never the
    text: a code must not sit in the audit log). False when SMS is switched off."""
    from core.sms import SmsError, SmsTemporaryError, send_sms

    merchant = Merchant.objects.get(pk=merchant_id)
    application = Application.objects.filter(pk=application_id).first() if application_id else None
    try:
        result = send_sms(to=merchant.phone, text=text, request_id=request_id)
    except SmsTemporaryError:
        raise  # the task tries again
    except SmsError as exc:  # refused for good: the log says so, and why
        logger.error("sms %s refused: %s", request_id, exc)
        merchant_event(
            merchant=merchant,
            application=application,
            action=MerchantEvent.Action.NOTICE_SENT,
            detail=f"{kind}: sms failed: {exc}",
        )
        return False
    merchant_event(
        merchant=merchant,
        application=application,
        action=MerchantEvent.Action.NOTICE_SENT,
        detail=f"{kind}: {'sms' if result.sent else 'sms off'}",
    )
    return result.sent


def organisers_notify_account_change(*, application_id: int) -> int:
    """Email the organisers of the stall's area: a vendor asked to change the payout account."""
    from django.core.mail import send_mail

    application = Application.objects.select_related("stall__market").get(pk=application_id)
    stall, market = application.stall, application.stall.market
    users = (
        get_user_model()
        .objects.filter(
            Q(user_permissions__codename="review_application") | Q(groups__permissions__codename="review_application"),
            is_active=True,
        )
        .exclude(email="")
    )
    emails = sorted(
        {
            u.email
            for u in users.distinct()
            if (area := area_of(u))
            and area.contains(province_code=market.province_code, commune_code=market.commune_code)
        }
    )
    if not emails:
        return 0
    send_mail(
        _("Chợ Số: sạp %(code)s xin đổi tài khoản nhận tiền (%(ref)s)")
        % {"code": stall.code, "ref": application.reference},
        _(
            "Tiểu thương sạp %(code)s ở %(market)s xin đổi tài khoản nhận tiền (hồ sơ %(ref)s). Mã QR cũ vẫn dùng "
            "cho đến khi hồ sơ được duyệt. Hãy gọi xác minh với tiểu thương trước khi duyệt."
        )
        % {"code": stall.code, "market": market.name, "ref": application.reference},
        settings.OSCAR_FROM_EMAIL,
        emails,
    )
    return len(emails)
