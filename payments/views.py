"""Payment screens: the buyer's order page and lookup, webhook intake, and staff tools."""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView
from oscar.apps.payment.exceptions import PaymentError
from oscar.core.loading import get_model

from market.ratelimit import attempt_key, attempt_release, attempt_take

from . import status
from .access import order_can_view, order_grant_access
from .bank_feeds import parse_feed, signature_valid
from .forms import MarkPaidForm, OrderLookupForm, StatementImportForm
from .gateways import gateway_for
from .models import BankTransaction
from .selectors import (
    bank_transactions_for_staff,
    order_detail_queryset,
    order_find_by_phone,
    order_lines_by_cooperative,
    stripe_events_needing_review,
)
from .services.bank import bank_statement_import, bank_transfer_record
from .services.orders import PaymentRefused, order_cancel_by_staff, order_mark_paid_by_staff, order_payment_method
from .services.stripe_card import StripeWebhookError, stripe_event_apply, stripe_event_verify

LOOKUP_ATTEMPTS = 10  # wrong phone numbers per order number and address, per hour

Order = get_model("order", "Order")


@method_decorator(never_cache, name="dispatch")
class OrderDetailView(TemplateView):
    """The buyer's order page. Without a grant to the order, every number, placed or not,
    gets the same answer (a redirect to the lookup form), so numbers cannot be probed."""

    template_name = "payments/order_detail.html"

    def get(self, request, *args, number, **kwargs):
        order = order_detail_queryset().filter(number=number).first()
        if order is None or not order_can_view(request, order):
            return redirect(f"{reverse('payments:order-lookup')}?{urlencode({'number': number})}")
        gateway = gateway_for(order_payment_method(order))
        try:
            next_step = gateway.next_step(order=order, request=request) if gateway else None
        except PaymentError:
            next_step = None
            messages.error(request, _("Chưa kết nối được dịch vụ thanh toán. Hãy tải lại trang sau ít phút."))
        response = self.render_to_response(
            {
                "order": order,
                "status_label": status.label(order.status),
                "is_paid": order.status == status.PAID,
                "gateway": gateway,
                "next_step": next_step,
                "groups": order_lines_by_cooperative(order),
                "poll": order.status == status.AWAITING_PAYMENT,
            }
        )
        if next_step and next_step.csp_update:
            # django-csp's csp_update, for this response only: the card step loads Stripe.js,
            # every other order page keeps the strict policy.
            response._csp_update = next_step.csp_update
        return response


@method_decorator(never_cache, name="dispatch")
class OrderStatusJsonView(View):
    """What the order page polls while it waits for money."""

    def get(self, request, number):
        # Polled every few seconds: the status alone, not the order page's lines and sources.
        order = get_object_or_404(Order.objects.only("pk", "number", "status", "user_id"), number=number)
        if not order_can_view(request, order):
            raise Http404
        return JsonResponse({"number": order.number, "status": order.status, "label": status.label(order.status)})


@method_decorator(never_cache, name="dispatch")
class OrderLookupView(FormView):
    template_name = "payments/order_lookup.html"
    form_class = OrderLookupForm

    def get_initial(self):
        return {"number": self.request.GET.get("number", "")}

    def form_valid(self, form):
        number = form.cleaned_data["number"]
        key = attempt_key(self.request, "order-lookup", number)
        if not attempt_take(key, LOOKUP_ATTEMPTS):
            form.add_error(None, _("Bạn đã thử quá nhiều lần. Hãy thử lại sau một giờ."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        try:
            order = order_find_by_phone(number=number, phone=form.cleaned_data["phone"])
        except ValidationError as exc:
            attempt_release(key)  # a mistyped phone is not a guess
            form.add_error("phone", exc)
            return self.form_invalid(form)
        if order is None:
            form.add_error(None, _("Không tìm thấy đơn hàng với mã và số điện thoại này."))
            return self.form_invalid(form)
        attempt_release(key)  # only misses use up the limit
        order_grant_access(self.request, order.number)
        return redirect("payments:order-detail", number=order.number)


@method_decorator(csrf_exempt, name="dispatch")
class BankWebhookView(View):
    """A bank-notification service reports transfers. Signed with HMAC-SHA256 (see ``payments.bank_feeds``)."""

    def post(self, request, provider):
        body = request.body
        if not signature_valid(
            body=body, header=request.headers.get("X-Signature", ""), secret=settings.BANK_WEBHOOK_SECRET
        ):
            return HttpResponseBadRequest("bad signature")
        try:
            transfers = parse_feed(provider, json.loads(body))
        except (ValueError, RecursionError) as exc:  # FeedError is a ValueError; absurdly deep JSON recurses
            return HttpResponseBadRequest(f"bad payload: {exc}")
        results = []
        for transfer in transfers:  # each stored in its own transaction: a replayed one never undoes a new one
            row, created = bank_transfer_record(provider=provider, transfer=transfer)
            # A transfer another provider reported first answers with that row's outcome, under our id.
            results.append({"id": transfer.provider_txn_id[:100], "outcome": row.outcome, "new": created})
        return JsonResponse({"received": len(results), "results": results})


@method_decorator(csrf_exempt, name="dispatch")
class StripeWebhookView(View):
    """Stripe events, verified on the raw body with Stripe's own signature scheme."""

    def post(self, request):
        try:
            event = stripe_event_verify(payload=request.body, signature=request.headers.get("Stripe-Signature", ""))
        except StripeWebhookError as exc:
            return HttpResponseBadRequest(f"bad signature: {exc}")
        row, created = stripe_event_apply(event=event)
        return JsonResponse({"id": row.event_id, "new": created})


@method_decorator(never_cache, name="dispatch")
@method_decorator(staff_member_required, name="dispatch")
class BankTransactionListView(TemplateView):
    template_name = "payments/staff/transaction_list.html"

    def get_context_data(self, **kwargs):
        outcome = self.request.GET.get("outcome", "")
        if outcome not in BankTransaction.Outcome.values:
            outcome = ""
        return {
            "rows": bank_transactions_for_staff(outcome=outcome or None)[:200],
            "outcome": outcome,
            "outcomes": BankTransaction.Outcome.choices,
            "card_reviews": stripe_events_needing_review()[:50],
        }


@method_decorator(never_cache, name="dispatch")
@method_decorator(staff_member_required, name="dispatch")
class StatementImportView(FormView):
    template_name = "payments/staff/statement_import.html"
    form_class = StatementImportForm

    def form_valid(self, form):
        report = bank_statement_import(data=form.cleaned_data["file"].read(), actor=self.request.user)
        return self.render_to_response(self.get_context_data(form=self.form_class(), report=report))


@method_decorator(never_cache, name="dispatch")
@method_decorator(staff_member_required, name="dispatch")
class OrderMarkPaidView(FormView):
    template_name = "payments/staff/mark_paid.html"
    form_class = MarkPaidForm

    def dispatch(self, request, *args, number, **kwargs):
        self.order = get_object_or_404(order_detail_queryset(), number=number)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            order=self.order,
            status_label=status.label(self.order.status),
            audits=self.order.payment_audits.select_related("actor"),
            **kwargs,
        )

    def form_valid(self, form):
        cancel = "cancel" in self.request.POST
        action = order_cancel_by_staff if cancel else order_mark_paid_by_staff
        try:
            action(order=self.order, actor=self.request.user, note=form.cleaned_data["note"])
        except PaymentRefused as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        if cancel:
            messages.success(self.request, _("Đơn %(number)s đã được huỷ.") % {"number": self.order.number})
            return redirect("payments:staff-mark-paid", number=self.order.number)
        messages.success(
            self.request, _("Đơn %(number)s đã được đánh dấu đã thanh toán.") % {"number": self.order.number}
        )
        return redirect("payments:staff-mark-paid", number=self.order.number)
