"""A vendor's application and its review: new stalls and payout-account changes alike.

Anonymous input never rewrites a stored vendor: what the applicant typed (name, CCCD,
consent) stays on the application. Only an organiser's approval makes it the vendor's
identity, and only for a vendor who has no stall and no login yet. A phone that already
belongs to such an established vendor, sent by anyone but that vendor logged in, is flagged
(``phone_known``) and cannot be approved until the organiser says they verified it.
"""

import dataclasses
import datetime
import re
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.phones import e164, parse_vn_phone
from core.sms import sms_enabled
from payments.banks import bank_for_bin
from payments.vietqr import ascii_text

from ..hooks import market_changed
from ..models import ACCOUNT_VALIDATOR, Application, IssuedQR, Merchant, MerchantEvent, Stall
from .codes import merchant_password_code_issue
from .notices import merchant_event, merchant_notice_send_on_commit, vietnamese
from .qr import stall_qr_issue

CONSENT_VERSION = "2025-11"
HOLDER_MAX = 25
REFERENCE_DIGITS = 8  # HS + 8 random digits: read out on the phone, 10^8 to guess from
STALL_CODE = re.compile(r"^[A-Z0-9][A-Z0-9.\-/]{0,19}$")
LIVE_STATUSES = (Application.Status.APPROVED, Application.Status.QR_ISSUED, Application.Status.PLACARD_PRINTED)


def holder_name_normalise(raw: str) -> str:
    """The holder name as banks print it: uppercase ASCII, ≤ 25 characters."""
    name = ascii_text(raw or "").upper()
    if not name:
        raise ValidationError(_("Hãy nhập tên chủ tài khoản."), code="required")
    if len(name) > HOLDER_MAX:
        raise ValidationError(
            _("Tên chủ tài khoản dài %(n)s ký tự sau khi bỏ dấu; tối đa %(max)s.")
            % {"n": len(name), "max": HOLDER_MAX},
            code="too_long",
        )
    return name


def stall_for_application(*, market, code: str, place: str = "", goods: str = "") -> Stall:
    """The stall a vendor applies for, created on first application. A stall that already
    has a live QR belongs to someone: a second vendor cannot claim its code."""
    code = re.sub(r"\s+", "", code or "").upper()  # "b 12" as typed is B12
    if not STALL_CODE.match(code):
        raise ValidationError({"stall_code": [_("Mã sạp gồm chữ và số, tối đa 20 ký tự, ví dụ B12 hoặc A-03.")]})
    stall = Stall.objects.filter(market=market, code=code).first()
    if stall is not None:
        if stall.qrs.filter(revoked_at__isnull=True).exists():
            raise ValidationError(
                {"stall_code": [_("Sạp %(code)s ở chợ này đã được cấp mã QR. Kiểm tra lại mã sạp.") % {"code": code}]}
            )
        return stall
    try:
        with transaction.atomic():
            return Stall.objects.create(market=market, code=code, place=place.strip()[:60], goods=goods.strip()[:120])
    except IntegrityError:
        return Stall.objects.get(market=market, code=code)


def bank_account_clean(*, bank_bin: str, account_number: str, holder_name: str, errors: dict) -> tuple[str, str]:
    """(account, holder name) as stored; adds a message per bad field to ``errors``."""
    if bank_for_bin(str(bank_bin)) is None:
        errors["bank_bin"] = [_("Ngân hàng không có trong danh sách NAPAS.")]
    account = (account_number or "").strip()
    holder = ""
    try:
        ACCOUNT_VALIDATOR(account)
    except ValidationError as exc:
        errors["account_number"] = exc.messages
    try:
        holder = holder_name_normalise(holder_name)
    except ValidationError as exc:
        errors["holder_name"] = exc.messages
    return account, holder


def reference_new() -> str:
    """A random application reference, ``HS`` and 8 digits. Not guessable from another one,
    and short enough to read out on the phone."""
    while True:
        reference = "HS" + "".join(secrets.choice("0123456789") for _ in range(REFERENCE_DIGITS))
        if not Application.objects.filter(reference=reference).exists():
            return reference


def application_create(**fields) -> Application:
    """Write an application under a new random reference (the unique constraint holds the
    rest: two requests drawing the same reference in the same instant fail, not merge)."""
    application = Application.objects.create(reference=reference_new(), **fields)
    market_changed(application.stall.market_id)
    return application


def merchant_established(merchant: Merchant) -> bool:
    """A vendor with a login or a stall QR: their identity is theirs, not the next sender's."""
    return merchant.user_id is not None or merchant.applications.filter(status__in=LIVE_STATUSES).exists()


def application_submit(
    *,
    stall: Stall,
    name: str,
    phone: str,
    bank_bin: str,
    account_number: str,
    holder_name: str,
    is_card: bool = False,
    cccd: str = "",
    consent: bool,
    submitted_by=None,
    client_ip: str | None = None,
) -> Application:
    """Validate and store a vendor's application. Raises ValidationError with a message per field.

    A new phone becomes a ``Merchant`` with what was typed; a known phone keeps its vendor as
    stored and the application carries the new claims beside it."""

    errors: dict[str, list] = {}
    if not consent:
        errors["consent"] = [_("Cần bạn đồng ý cho xử lý dữ liệu cá nhân thì mới đăng ký được.")]
    phone_e164 = None
    try:
        phone_e164 = e164(parse_vn_phone(phone, mobile_only=True))
    except ValidationError as exc:
        errors["phone"] = exc.messages
    account, holder = bank_account_clean(
        bank_bin=bank_bin, account_number=account_number, holder_name=holder_name, errors=errors
    )
    cccd = (cccd or "").strip()
    if cccd and not (cccd.isdigit() and len(cccd) == 12):
        errors["cccd"] = [_("Số CCCD gồm 12 chữ số.")]
    if not (name or "").strip():
        errors["name"] = [_("Hãy nhập họ và tên.")]
    if Application.objects.filter(stall=stall, status=Application.Status.SUBMITTED).exists():
        errors["stall"] = [_("Sạp này đã có một hồ sơ đang chờ duyệt.")]
    if errors:
        raise ValidationError(errors)
    sender = submitted_by if getattr(submitted_by, "is_authenticated", False) else None
    name = " ".join(name.split())
    now = timezone.now()
    try:
        with transaction.atomic():
            merchant, created = Merchant.objects.get_or_create(
                phone=phone_e164,
                defaults={"name": name, "cccd": cccd, "consent_version": CONSENT_VERSION, "consent_at": now},
            )
            # Anyone but the vendor logged in may be someone else using their number, even
            # while the vendor's own first application still waits.
            phone_known = not created and (sender is None or merchant.user_id != sender.pk)
            application = application_create(
                merchant=merchant,
                stall=stall,
                bank_bin=str(bank_bin),
                account_number=account,
                is_card=is_card,
                holder_name=holder,
                applicant_name=name,
                applicant_cccd=cccd,
                consent_version=CONSENT_VERSION,
                consent_at=now,
                phone_known=phone_known,
                submitted_by=sender,
            )
            merchant_event(
                merchant=merchant,
                application=application,
                action=MerchantEvent.Action.APPLICATION_SUBMITTED,
                actor=sender,
                client_ip=client_ip,
                detail="phone-known" if phone_known else "",
            )
    except IntegrityError:
        raise ValidationError({"stall": [_("Sạp này đã có một hồ sơ đang chờ duyệt.")]}) from None
    return application


def application_reject(*, application: Application, reviewer, reason: str, client_ip: str | None = None) -> None:

    if not (reason or "").strip():
        raise ValidationError(_("Hãy ghi lý do từ chối để tiểu thương biết cần sửa gì."))
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != Application.Status.SUBMITTED:
            raise ValidationError(_("Hồ sơ %(ref)s không còn chờ duyệt.") % {"ref": locked.reference})
        locked.status = Application.Status.REJECTED
        locked.reject_reason = reason.strip()[:255]
        locked.reviewed_by, locked.reviewed_at = reviewer, timezone.now()
        locked.save(update_fields=["status", "reject_reason", "reviewed_by", "reviewed_at"])
        merchant_event(
            merchant=locked.merchant,
            application=locked,
            action=MerchantEvent.Action.ACCOUNT_CHANGE_REJECTED
            if locked.kind == Application.Kind.ACCOUNT_CHANGE
            else MerchantEvent.Action.APPLICATION_REJECTED,
            actor=reviewer,
            client_ip=client_ip,
            detail=locked.reject_reason,
        )
        market_changed(locked.stall.market_id)


def application_approve(
    *, application: Application, reviewer, phone_verified: bool = False, client_ip: str | None = None
) -> IssuedQR:
    """Approve a submitted application and issue the stall's QR in the same transaction.

    For an account change, the new QR replaces the live one only now. A flagged application
    (``phone_known``) needs ``phone_verified``: the organiser called the vendor."""

    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related("merchant").get(pk=application.pk)
        if locked.status != Application.Status.SUBMITTED:
            raise ValidationError(_("Hồ sơ %(ref)s không còn chờ duyệt.") % {"ref": locked.reference})
        if locked.phone_known and not phone_verified:
            raise ValidationError(
                _(
                    "Hồ sơ %(ref)s dùng số điện thoại của tiểu thương đã có (%(name)s). Hãy gọi xác minh, "
                    "rồi đánh dấu “Đã xác minh” trước khi duyệt."
                )
                % {"ref": locked.reference, "name": locked.merchant.name}
            )
        merchant = locked.merchant
        if locked.kind == Application.Kind.NEW and not locked.phone_known and not merchant_established(merchant):
            # The organiser verified this applicant: their claims become the vendor's.
            merchant.name, merchant.cccd = locked.applicant_name, locked.applicant_cccd
            merchant.consent_version, merchant.consent_at = locked.consent_version, locked.consent_at
            merchant.save(update_fields=["name", "cccd", "consent_version", "consent_at"])
        locked.status = Application.Status.APPROVED
        locked.reviewed_by, locked.reviewed_at = reviewer, timezone.now()
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        qr = stall_qr_issue(application=locked)
        change = locked.kind == Application.Kind.ACCOUNT_CHANGE
        merchant_event(
            merchant=merchant,
            application=locked,
            action=MerchantEvent.Action.ACCOUNT_CHANGE_APPROVED
            if change
            else MerchantEvent.Action.APPLICATION_APPROVED,
            actor=reviewer,
            client_ip=client_ip,
            detail="phone-verified" if locked.phone_known else "",
        )
        if change:
            merchant_notice_send_on_commit(
                merchant=merchant,
                application=locked,
                kind="account-change-approved",
                text=vietnamese(
                    gettext_noop(
                        "Chợ Số: sạp %(code)s đã đổi sang tài khoản …%(last4)s. Mã QR cũ đã bị thu hồi; hãy in bảng "
                        "QR mới."
                    ),
                    {"code": locked.stall.code, "last4": locked.account_number[-4:]},
                ),
            )
        return qr


@dataclasses.dataclass
class ApprovalSlip:
    """What the organiser hands over after approving. ``code`` is the vendor's one-time code
    to show on the slip (only when SMS is off); ``texted`` says it went to the phone instead."""

    application: Application
    qr: IssuedQR
    code: str = ""
    code_expires: datetime.datetime | None = None
    texted: bool = False


def applications_approve(
    *, applications, reviewer, verified_ids=frozenset(), client_ip: str | None = None
) -> tuple[list[ApprovalSlip], list[str]]:
    """Approve each application (its own transaction). A vendor approved for the first time
    gets one one-time code to set a password, however many of their stalls this batch
    approves; a vendor who already had a live stall gets none (a lost code is a reset, which
    an organiser does on purpose). Returns the slips and one message per refusal."""

    slips, errors, codes = [], [], {}
    for application in applications:
        try:
            with transaction.atomic():
                qr = application_approve(
                    application=application,
                    reviewer=reviewer,
                    phone_verified=application.pk in verified_ids,
                    client_ip=client_ip,
                )
                approved = Application.objects.select_related("merchant__user", "stall__market").get(pk=application.pk)
                merchant = approved.merchant
                slip = ApprovalSlip(application=approved, qr=qr)
                first = (
                    merchant.user_id is None
                    and not merchant.applications.exclude(pk=approved.pk).filter(status__in=LIVE_STATUSES).exists()
                )
                if merchant.pk in codes:
                    slip.code, slip.code_expires = codes[merchant.pk]
                elif first and approved.kind == Application.Kind.NEW:
                    codes[merchant.pk] = merchant_password_code_issue(
                        merchant=merchant, actor=reviewer, client_ip=client_ip, reason="approval"
                    )
                    slip.code, slip.code_expires = codes[merchant.pk]
                if slip.code and sms_enabled():
                    slip.code, slip.texted = "", True
        except ValidationError as exc:
            errors.append(" ".join(exc.messages))
        else:
            slips.append(slip)
    return slips, errors
