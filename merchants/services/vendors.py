"""The vendor's payout account: the most sensitive write in the system (the login's one-time
codes are in ``codes``, what the vendor is told and the audit log in ``notices``).

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

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.outbox import effect_add

from ..models import Application, IssuedQR, Merchant, MerchantEvent, Stall
from .applications import CONSENT_VERSION, application_create, bank_account_clean
from .notices import merchant_event, merchant_notice_send_on_commit, organisers_notify_account_change_task, vietnamese

logger = logging.getLogger(__name__)


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
        effect_add(organisers_notify_account_change_task, application.pk)
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
