"""The stall's VietQR, transfers into it, and placards.

``stall_qr_issue`` is the only place an ``IssuedQR`` is made, and it builds the payload with
``payments.vietqr.build_payload``: no hand-made payload can exist.
"""

import logging

from celery import shared_task
from django.core.files import File
from django.db import DatabaseError, transaction
from django.db.models import Max
from django.utils import timezone

from core.outbox import effect_add
from payments.vietqr import SERVICE_TO_ACCOUNT, SERVICE_TO_CARD, build_payload

from ..hooks import market_changed
from ..models import Application, IssuedQR, PlacardBatch, PlacardPrint, Stall, StallPayment
from ..placards import write_placards_pdf
from ..selectors import live_qrs

logger = logging.getLogger(__name__)


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
        market_changed(stall.market_id)
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
        market_changed(qr.stall.market_id, since=row.occurred_at)

    return record


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
        market_changed(market_id)


def placard_batch_request(*, market, layout: str, user) -> PlacardBatch:
    batch = PlacardBatch.objects.create(market=market, layout=layout, requested_by=user)
    effect_add(placard_batch_render_task, batch.pk)
    return batch


def placard_batch_render(*, batch_id: int) -> None:
    """Draw the market's placards into a temporary file, saving progress as it goes, then
    attach the PDF (page by page: a whole street never sits in memory)."""
    import tempfile

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


@shared_task(
    name="merchants.tasks.placard_batch_render_task",  # its name before it moved here: queued ones still run
    autoretry_for=(DatabaseError,),
    max_retries=2,
    retry_backoff=True,
    acks_late=True,
)
def placard_batch_render_task(batch_id: int) -> None:
    placard_batch_render(batch_id=batch_id)
