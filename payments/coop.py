"""The cooperative's order screens at /coop/ (order lines, cash collected, its figures).

They read and change orders and payments, so they live in payments; they are mounted under
/coop/ with the cooperative's other screens (``market/urls.py``) and use the same scoping
(``ocop_catalog.views.CooperativeStaffMixin``): a line of another cooperative is a 404.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from oscar.core.loading import get_model

from ocop_catalog.views import CooperativeStaffMixin

from .services.orders import PaymentRefused, order_cash_collect
from .volume import cooperative_volume_summary

Line = get_model("order", "Line")


@method_decorator(never_cache, name="dispatch")  # buyers' names and addresses
@method_decorator(never_cache, name="dispatch")  # buyers' names and addresses
class CoopOrderLineListView(CooperativeStaffMixin, TemplateView):
    template_name = "ocop_catalog/coop/line_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lines = (
            Line.objects.filter(partner=self.cooperative.partner)
            .select_related("order")
            .order_by("-order__date_placed", "-pk")
        )
        context["page_obj"] = Paginator(lines, 30).get_page(self.request.GET.get("page"))
        return context


@method_decorator(never_cache, name="dispatch")  # buyers' names and addresses
class CoopOrderLineDetailView(CooperativeStaffMixin, TemplateView):
    template_name = "ocop_catalog/coop/line_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["line"] = get_object_or_404(
            Line.objects.select_related("order", "product"), pk=self.kwargs["pk"], partner=self.cooperative.partner
        )
        return context


class CoopOrderCollectView(CooperativeStaffMixin, View):
    """Cash on delivery: the cooperative has handed over its goods and collected the cash."""

    def post(self, request, number):
        line = (
            Line.objects.filter(order__number=number, partner=self.cooperative.partner).select_related("order").first()
        )
        if line is None:
            raise Http404
        try:
            completed = order_cash_collect(order=line.order, cooperative=self.cooperative, actor=request.user)
        except PaymentRefused as exc:
            messages.error(request, str(exc))
        else:
            if completed:
                messages.success(
                    request, _("Đã ghi nhận thu tiền. Đơn %(number)s đã thanh toán đủ.") % {"number": number}
                )
            else:
                messages.success(
                    request, _("Đã ghi nhận phần của hợp tác xã bạn. Đơn còn chờ hợp tác xã khác thu tiền.")
                )
        return redirect("coop:line-detail", pk=line.pk)


class CoopFiguresView(CooperativeStaffMixin, TemplateView):
    """The cooperative's own order volume, read from the daily record."""

    template_name = "ocop_catalog/coop/figures.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = cooperative_volume_summary(cooperative=self.cooperative, days=30)
        return context


# Mounted under /coop/ in the "coop" namespace, beside ocop_catalog.urls.
urlpatterns = [
    path("orders/", CoopOrderLineListView.as_view(), name="line-list"),
    path("orders/lines/<int:pk>/", CoopOrderLineDetailView.as_view(), name="line-detail"),
    path("orders/<str:number>/collect/", CoopOrderCollectView.as_view(), name="order-collect"),
    path("figures/", CoopFiguresView.as_view(), name="figures"),
]
