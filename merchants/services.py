"""Writes for the cashless street: applications, review, and the stall QR.

``stall_qr_issue`` is the only place an ``IssuedQR`` is made, and it builds the payload
with ``payments.vietqr.build_payload``: no hand-made payload can exist.
"""

import datetime
import logging
import re
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from market.phones import e164, parse_vn_phone
from market.stats.tasks import market_facts_refresh
from payments.banks import bank_for_bin
from payments.vietqr import SERVICE_TO_ACCOUNT, SERVICE_TO_CARD, ascii_text, build_payload

from .models import (
    ACCOUNT_VALIDATOR,
    Application,
    IssuedQR,
    Market,
    Merchant,
    PersonalDataAccess,
    PlacardBatch,
    PlacardPrint,
    Stall,
    StallPayment,
)

CONSENT_VERSION = "2025-11"
HOLDER_MAX = 25

logger = logging.getLogger(__name__)


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


STALL_CODE = re.compile(r"^[A-Z0-9][A-Z0-9.\-/]{0,19}$")


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


def _bank_account_clean(*, bank_bin: str, account_number: str, holder_name: str, errors: dict) -> tuple[str, str]:
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


def _application_create(**fields) -> Application:
    """Write an application and give it its reference, ``HS`` + its id, in one transaction."""
    with transaction.atomic():
        application = Application.objects.create(reference=uuid.uuid4().hex[:16], **fields)
        market_facts_refresh(application.stall.market_id)
        application.reference = f"HS{application.pk:06d}"
        application.save(update_fields=["reference"])
        return application


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
) -> Application:
    """Validate and store a vendor's application. Raises ValidationError with a message per field."""
    errors: dict[str, list] = {}
    if not consent:
        errors["consent"] = [_("Cần bạn đồng ý cho xử lý dữ liệu cá nhân thì mới đăng ký được.")]
    phone_e164 = None
    try:
        phone_e164 = e164(parse_vn_phone(phone, mobile_only=True))
    except ValidationError as exc:
        errors["phone"] = exc.messages
    account, holder = _bank_account_clean(
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
    try:
        with transaction.atomic():
            merchant, _created = Merchant.objects.update_or_create(
                phone=phone_e164,
                defaults={
                    "name": " ".join(name.split()),
                    "cccd": cccd,
                    "consent_version": CONSENT_VERSION,
                    "consent_at": timezone.now(),
                },
            )
            application = _application_create(
                merchant=merchant,
                stall=stall,
                bank_bin=str(bank_bin),
                account_number=account,
                is_card=is_card,
                holder_name=holder,
                submitted_by=submitted_by if getattr(submitted_by, "is_authenticated", False) else None,
            )
    except IntegrityError:
        raise ValidationError({"stall": [_("Sạp này đã có một hồ sơ đang chờ duyệt.")]}) from None
    return application


def application_reject(*, application: Application, reviewer, reason: str) -> None:
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
        market_facts_refresh(locked.stall.market_id)


def application_approve(*, application: Application, reviewer) -> IssuedQR:
    """Approve a submitted application and issue the stall's QR in the same transaction."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != Application.Status.SUBMITTED:
            raise ValidationError(_("Hồ sơ %(ref)s không còn chờ duyệt.") % {"ref": locked.reference})
        locked.status = Application.Status.APPROVED
        locked.reviewed_by, locked.reviewed_at = reviewer, timezone.now()
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        return stall_qr_issue(application=locked)


def stall_qr_issue(*, application: Application) -> IssuedQR:
    """Build the stall's static VietQR with the codec, revoke the previous one, and record it."""
    with transaction.atomic():
        stall = Stall.objects.select_for_update().get(pk=application.stall_id)
        payload = build_payload(
            bank_bin=application.bank_bin,
            account=application.account_number,
            service_code=SERVICE_TO_CARD if application.is_card else SERVICE_TO_ACCOUNT,
            merchant_name=application.holder_name,
        )
        now = timezone.now()
        IssuedQR.objects.filter(stall=stall, revoked_at__isnull=True).update(revoked_at=now)
        version = (IssuedQR.objects.filter(stall=stall).aggregate(v=Max("version"))["v"] or 0) + 1
        qr = IssuedQR.objects.create(
            stall=stall,
            application=application,
            version=version,
            payload=payload,
            bank_bin=application.bank_bin,
            account_number=application.account_number,
            holder_name=application.holder_name,
        )
        Application.objects.filter(pk=application.pk).update(status=Application.Status.QR_ISSUED)
        market_facts_refresh(stall.market_id)
        return qr


def stall_transfer_match(transfer):
    """``BANK_ACCOUNT_MATCHERS`` entry: a credit into the account on a stall's live QR
    becomes a ``StallPayment`` (written with the bank transaction, in its transaction)."""
    qr = (
        IssuedQR.objects.filter(account_number=transfer.account_number, revoked_at__isnull=True)
        .select_related("stall")
        .order_by("pk")
        .first()
    )
    if qr is None:
        return None

    def record(row):
        StallPayment.objects.create(
            stall_id=qr.stall_id,
            qr=qr,
            bank_transaction=row,
            amount=row.amount,
            received_at=row.occurred_at or timezone.now(),
        )
        market_facts_refresh(qr.stall.market_id, since=row.occurred_at)

    return record


RESET_CODE_HOURS = 48


def merchant_password_set(*, merchant: Merchant, password: str, reset_code: str = ""):
    """The vendor's own login: username is their phone (E.164). Set once their QR is issued;
    after an organiser cleared a forgotten password, only with the one-time code."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import check_password
    from django.contrib.auth.password_validation import validate_password

    if merchant.user_id is not None:
        typed = "".join(reset_code.split())  # "718 286" is 718286
        valid = (
            merchant.reset_code_hash
            and merchant.reset_code_expires
            and merchant.reset_code_expires > timezone.now()
            and check_password(typed, merchant.reset_code_hash)
        )
        if not valid:
            raise ValidationError(_("Mã đặt lại không đúng hoặc đã hết hạn. Hãy hỏi ban quản lý chợ."))
    user = merchant.user or get_user_model()(username=merchant.phone, first_name=merchant.name[:150])
    validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        merchant.user = user
        merchant.reset_code_hash, merchant.reset_code_expires = "", None
        merchant.save(update_fields=["user", "reset_code_hash", "reset_code_expires"])
    return user


def merchant_password_reset(*, merchant: Merchant, actor) -> str:
    """An organiser clears a vendor's forgotten password and gets a one-time code (6 digits,
    valid ``RESET_CODE_HOURS``) to hand to the vendor in person; with it, the vendor sets a
    new password from their application page. Returns the code; only its hash is stored."""
    import secrets

    from django.contrib.auth.hashers import make_password

    user = merchant.user
    if user is None:
        raise ValidationError(_("Tiểu thương này chưa đặt mật khẩu."))
    if user.is_staff or user.is_superuser:
        raise ValidationError(_("Không thể đặt lại mật khẩu của tài khoản quản trị ở đây."))
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        user.set_unusable_password()
        user.save(update_fields=["password"])
        merchant.reset_code_hash = make_password(code)
        merchant.reset_code_expires = timezone.now() + datetime.timedelta(hours=RESET_CODE_HOURS)
        merchant.save(update_fields=["reset_code_hash", "reset_code_expires"])
    logger.info("vendor password reset: merchant %s by user %s", merchant.pk, actor.pk)
    return code


def merchant_account_change(
    *, merchant: Merchant, stall: Stall, bank_bin: str, account_number: str, holder_name: str, is_card: bool, actor
) -> IssuedQR:
    """The vendor changes the account their stall's QR pays into: a new QR is issued at once,
    the old one revoked (kept in the history), the change logged, and organisers emailed."""
    if not stall.qrs.filter(application__merchant=merchant).exists():
        raise ValidationError(_("Sạp này không phải của bạn."))
    errors: dict[str, list] = {}
    account, holder = _bank_account_clean(
        bank_bin=bank_bin, account_number=account_number, holder_name=holder_name, errors=errors
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        application = _application_create(
            merchant=merchant,
            stall=stall,
            bank_bin=str(bank_bin),
            account_number=account,
            is_card=is_card,
            holder_name=holder,
            status=Application.Status.APPROVED,
            submitted_by=actor,
            reviewed_by=actor,
            reviewed_at=timezone.now(),
        )
        qr = stall_qr_issue(application=application)
        PersonalDataAccess.objects.create(actor=actor, application=application, action=PersonalDataAccess.Action.CHANGE)
        stall_id = stall.pk
        from .tasks import organisers_notify_account_change_task

        transaction.on_commit(lambda: organisers_notify_account_change_task.delay(stall_id), robust=True)
        return qr


def organisers_notify_account_change(*, stall_id: int) -> int:
    """Tell the organisers that a stall's QR was re-issued after an account change."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail
    from django.db.models import Q

    stall = Stall.objects.select_related("market").get(pk=stall_id)
    users = (
        get_user_model()
        .objects.filter(
            Q(user_permissions__codename="review_application") | Q(groups__permissions__codename="review_application"),
            is_active=True,
        )
        .exclude(email="")
    )
    from market.areas import area_of

    # Only the organisers who answer for this market's commune or province.
    market = stall.market
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
        _("Chợ Số: sạp %(code)s đổi tài khoản nhận tiền") % {"code": stall.code},
        _(
            "Tiểu thương sạp %(code)s ở %(market)s đã đổi tài khoản; mã QR mới đã được cấp và mã cũ bị thu hồi. "
            "Hãy in lại bảng QR cho sạp."
        )
        % {"code": stall.code, "market": stall.market.name},
        settings.OSCAR_FROM_EMAIL,
        emails,
    )
    return len(emails)


def placards_printed(*, qrs, layout: str, user=None) -> None:
    """Record that these QRs' placards were printed (the print log and the application state)."""
    PlacardPrint.objects.bulk_create(
        [
            PlacardPrint(qr=qr, layout=layout, printed_by=user if getattr(user, "is_authenticated", False) else None)
            for qr in qrs
        ]
    )
    Application.objects.filter(pk__in=[qr.application_id for qr in qrs], status=Application.Status.QR_ISSUED).update(
        status=Application.Status.PLACARD_PRINTED
    )
    for market_id in {qr.stall.market_id for qr in qrs}:
        market_facts_refresh(market_id)


def placard_batch_request(*, market, layout: str, user) -> PlacardBatch:
    from .tasks import placard_batch_render_task

    batch = PlacardBatch.objects.create(market=market, layout=layout, requested_by=user)
    batch_id = batch.pk
    transaction.on_commit(lambda: placard_batch_render_task.delay(batch_id), robust=True)
    return batch


def placard_batch_render(*, batch_id: int) -> None:
    """Draw the market's placards into a temporary file, saving progress as it goes, then
    attach the PDF (page by page: a whole street never sits in memory)."""
    import tempfile

    from django.core.files import File

    from .placards import write_placards_pdf
    from .selectors import live_qrs

    batch = PlacardBatch.objects.select_related("market", "requested_by").get(pk=batch_id)
    if batch.status == PlacardBatch.Status.READY:
        return  # a retried task: the file is already there
    qrs = list(live_qrs(market_slug=batch.market.slug))
    PlacardBatch.objects.filter(pk=batch_id).update(status=PlacardBatch.Status.RUNNING, total=len(qrs), done=0)

    def progress(done):
        if done % 5 == 0 or done == len(qrs):
            PlacardBatch.objects.filter(pk=batch_id).update(done=done)

    with tempfile.TemporaryFile() as pdf:
        try:
            write_placards_pdf(qrs, pdf, layout=batch.layout, progress=progress)
        except Exception:
            # Nothing to print, a font or an image error: the progress page says "Lỗi"
            # instead of "Đang tạo" for ever; the organiser can ask again.
            PlacardBatch.objects.filter(pk=batch_id).update(
                status=PlacardBatch.Status.FAILED, finished_at=timezone.now()
            )
            logger.exception("placard batch %s failed", batch_id)
            return
        pdf.seek(0)
        with transaction.atomic():
            batch.refresh_from_db()
            batch.file.save(f"bang-qr-{batch.market.slug}-{batch.pk}.pdf", File(pdf), save=False)
            batch.status, batch.done, batch.finished_at = PlacardBatch.Status.READY, len(qrs), timezone.now()
            batch.save(update_fields=["file", "status", "done", "finished_at"])
            placards_printed(qrs=qrs, layout=batch.layout, user=batch.requested_by)


def market_save(*, market: Market) -> Market:
    """Save an organiser's market or street; a new one gets a readable slug, unique among markets."""
    from market.text import slugify_vi

    if not market.slug:
        base = (slugify_vi(market.name) or "cho")[:70].strip("-")
        slug, n = base, 1
        while Market.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        market.slug = slug
    market.full_clean()
    if market.pk:
        issued = Stall.objects.filter(market=market, qrs__revoked_at__isnull=True, qrs__isnull=False).distinct().count()
        if market.declared_stalls < issued:
            raise ValidationError(
                {
                    "declared_stalls": _(
                        "Chợ đã có %(n)s sạp được cấp mã QR; tổng số sạp khai báo không thể nhỏ hơn số đó."
                    )
                    % {"n": issued}
                }
            )
    created = market.pk is None
    market.save()
    if created:  # its rows start today; an edit changes nothing the rollup stores
        market_facts_refresh(market.pk)
    return market
