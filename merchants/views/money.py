"""“Nhận tiền”: the page a vendor leaves open at the stall. It shows and speaks each payment
as the bank reports it, and says when someone asked to change the stall's payout account."""

from django.http import JsonResponse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.money import format_vnd, group_thousands

from ..models import Application, StallPayment
from ..placards import mask_account
from .access import no_store, stall_qr_for


@no_store
class MoneyReceivedView(TemplateView):
    """“Nhận tiền”: left open on the vendor's phone, it shows and speaks each payment as the
    bank reports it, the answer to a faked transfer screenshot. It also says when someone
    asked to change the stall's payout account."""

    template_name = "merchants/money.html"

    def get_context_data(self, **kwargs):
        qr = stall_qr_for(self.request, self.kwargs["pk"], money=True)
        payments = list(StallPayment.objects.filter(stall=qr.stall).order_by("-pk")[:10])
        return super().get_context_data(
            qr=qr,
            payments=payments,
            last_id=payments[0].pk if payments else 0,
            pending_change=pending_change_notice(qr.stall),
            **kwargs,
        )


@no_store
class MoneyReceivedJsonView(View):
    def get(self, request, pk):
        qr = stall_qr_for(request, pk, money=True)
        try:
            after = int(request.GET.get("after", "0"))
        except ValueError:
            after = 0
        rows = StallPayment.objects.filter(stall=qr.stall, pk__gt=after).order_by("pk")[:20]
        with translation.override("vi"):  # spoken in Vietnamese whatever the page language
            phrase = _("Đã nhận %(amount)s đồng")
        return JsonResponse(
            {
                "payments": [
                    {
                        "id": p.pk,
                        "amount": int(p.amount),
                        "text": format_vnd(p.amount),
                        "speech": phrase % {"amount": group_thousands(p.amount)},
                        "time": timezone.localtime(p.received_at).strftime("%H:%M"),
                    }
                    for p in rows
                ],
                # The page left open all day learns of a change request without a reload.
                "pending_change": pending_change_notice(qr.stall),
            }
        )


def pending_change_notice(stall) -> str:
    """What "Nhận tiền" says while someone asks to change the stall's payout account ("" if no one)."""
    pending = Application.objects.filter(
        stall=stall, kind=Application.Kind.ACCOUNT_CHANGE, status=Application.Status.SUBMITTED
    ).first()
    if pending is None:
        return ""
    return _(
        "Có yêu cầu đổi tài khoản nhận tiền của sạp này sang %(account)s (gửi lúc %(when)s), đang chờ ban quản lý chợ "
        "duyệt. Nếu không phải bạn gửi, hãy báo ngay ban quản lý chợ."
    ) % {
        "account": mask_account(pending.account_number),
        "when": formats.date_format(timezone.localtime(pending.created_at), "H:i d/m/Y"),
    }
