"""What the vendor and the organisers are told, and the audit log of every step.

- ``merchant_event``: one ``MerchantEvent`` per step (who, from where, what; never a code);
- texts to the vendor's phone through ``core.sms``, queued after commit and retried while a
  retry may help (their task is here, under the name it always had);
- the organisers of the stall's area, emailed when a vendor asks to change the payout account.
"""

import logging
import secrets

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from core.outbox import effect_add
from core.sms import SmsError, SmsTemporaryError, send_sms, sms_enabled
from merchants.areas import area_of

from ..models import Application, Merchant, MerchantEvent

logger = logging.getLogger(__name__)


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


def merchant_notice_send_on_commit(*, merchant: Merchant, application, kind: str, text: str) -> None:
    """Queue a text to the vendor's phone once the transaction commits. With SMS off nothing
    is queued (a code must not wait in the broker for nothing); the log says so."""
    if not sms_enabled():
        merchant_event(
            merchant=merchant,
            application=application,
            action=MerchantEvent.Action.NOTICE_SENT,
            detail=f"{kind}: sms off",
        )
        return

    request_id = f"choso-{kind}-{merchant.pk}-{secrets.token_hex(6)}"  # the same on every retry
    effect_add(merchant_notice_send_task, merchant.pk, application.pk if application else None, kind, text, request_id)


def merchant_notice_send(
    *, merchant_id: int, application_id: int | None, kind: str, text: str, request_id: str
) -> bool:
    """Send one text to the vendor's phone and log it (the log names the kind, never the
    text: a code must not sit in the audit log). False when SMS is switched off."""
    merchant = Merchant.objects.get(pk=merchant_id)
    application = Application.objects.filter(pk=application_id).first() if application_id else None
    try:
        result = send_sms(to=merchant.phone.as_e164, text=text, request_id=request_id)
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


@shared_task(
    name="merchants.tasks.organisers_notify_account_change_task",  # its name before it moved: queued ones run
    bind=True,
    max_retries=5,
    retry_backoff=True,
    retry_backoff_max=600,
)
def organisers_notify_account_change_task(self, application_id: int) -> int:
    try:
        return organisers_notify_account_change(application_id=application_id)
    except OSError as exc:  # mail server unreachable: try again later
        raise self.retry(exc=exc) from exc


@shared_task(
    name="merchants.tasks.merchant_notice_send_task",  # its name before it moved here: queued ones still run
    bind=True,
    max_retries=6,
    retry_backoff=30,
    retry_backoff_max=900,
    ignore_result=True,
)
def merchant_notice_send_task(
    self, merchant_id: int, application_id: int | None, kind: str, text: str, request_id: str
) -> bool:
    """A text to the vendor's phone; what a retry may cure (network, provider busy) is retried."""
    try:
        return merchant_notice_send(
            merchant_id=merchant_id, application_id=application_id, kind=kind, text=text, request_id=request_id
        )
    except SmsTemporaryError as exc:
        raise self.retry(exc=exc) from exc
