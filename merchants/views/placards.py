"""Placards: one stall's PDF (vendor, agent or organiser) and a whole market's batch, drawn
by a Celery task (organisers)."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from ..models import PlacardBatch
from ..placards import placards_pdf
from ..selectors import live_qrs
from ..services import placard_batch_request, placards_printed
from .access import no_store, organiser_markets, stall_qr_for


@no_store
class PlacardView(View):
    """One stall's placard as a PDF, for the vendor, the agent who sent it, or organisers.
    A POST, because it records the print (and moves the application to "printed")."""

    http_method_names = ["post"]

    def post(self, request, pk):
        qr = stall_qr_for(request, pk)
        if qr.revoked_at:
            messages.error(request, _("Mã QR này đã bị thu hồi; hãy in mã mới."))
            return redirect("merchants:application-detail", reference=qr.application.reference)
        layout = "a4x4" if request.POST.get("layout") == "a4x4" else "a6"
        return _pdf_response(
            placards_pdf([qr], layout=layout), f"bang-qr-{qr.stall.code}.pdf", [qr], layout, request.user
        )


def _pdf_response(pdf: bytes, filename: str, qrs, layout: str, user) -> HttpResponse:
    placards_printed(qrs=qrs, layout=layout, user=user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class PlacardBatchCreateView(PermissionRequiredMixin, View):
    """An organiser asks for a whole market's placards; a Celery task draws them."""

    permission_required = "merchants.review_application"

    def post(self, request, slug):
        market = get_object_or_404(organiser_markets(request.user), slug=slug)
        if not live_qrs(market_slug=market.slug).exists():
            messages.error(request, _("Chợ này chưa có sạp nào được cấp mã QR."))
            return redirect(f"{reverse('merchants:review')}?market={market.slug}")
        layout = "a6" if request.POST.get("layout") == "a6" else "a4x4"
        batch = placard_batch_request(market=market, layout=layout, user=request.user)
        return redirect("merchants:placard-batch", pk=batch.pk)


@no_store
class PlacardBatchView(PermissionRequiredMixin, TemplateView):
    """Progress of a batch (the page refreshes itself, no JS needed), then the download."""

    permission_required = "merchants.review_application"
    template_name = "merchants/placard_batch.html"

    def get_context_data(self, **kwargs):
        batch = get_object_or_404(PlacardBatch, pk=self.kwargs["pk"], market__in=organiser_markets(self.request.user))
        return super().get_context_data(batch=batch, **kwargs)


@no_store
class PlacardBatchFileView(PermissionRequiredMixin, View):
    permission_required = "merchants.review_application"

    def get(self, request, pk):
        batch = get_object_or_404(
            PlacardBatch, pk=pk, status=PlacardBatch.Status.READY, market__in=organiser_markets(request.user)
        )
        return FileResponse(
            batch.file.open("rb"),
            as_attachment=True,
            filename=f"bang-qr-{batch.market.slug}.pdf",
            content_type="application/pdf",
        )
