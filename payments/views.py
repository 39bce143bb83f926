"""Payment screens: the buyer's order page and lookup, webhook intake, and staff tools."""

from urllib.parse import urlencode

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

from core.ratelimit import attempt_key, attempt_release, attempt_take, client_address

from . import status
from .access import order_can_view, order_grant_access
from .bank_feeds import AddressRefused, FeedError, SignatureRefused, feed_for
from .forms import MarkPaidForm, OrderLookupForm, StatementImportForm
from .gateways import gateway_for
from .gateways.stripe.webhooks import StripeWebhookError, stripe_event_apply, stripe_event_verify
from .models import BankTransaction
from .selectors import (
    bank_transactions_for_staff,
    feed_health,
    order_detail_queryset,
    order_find_by_phone,
    order_lines_by_cooperative,
    stripe_events_needing_review,
)
from .services.bank import bank_statement_import
from .services.feeds import bank_webhook_receive
from .services.orders import PaymentRefused, order_cancel_by_staff, order_mark_paid_by_staff, order_payment_method
from .tasks import bank_feeds_pull_task

LOOKUP_ATTEMPTS = 10  # wrong phone numbers per order number and address, per hour
PULL_NOW_EVERY = 60  # seconds between pulls staff ask for, per provider

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
    """A bank-notification service reports transfers, authenticated by its own scheme (``payments.bank_feeds``).

    Answers so that a success is never retried and a failure is: 200 with
    ``{"success": true}`` (SePay's condition; Casso needs the 200), also for a replay, which
    is "not new"; 401 for a refused signature, 403 for an address off the allowlist, 400 for
    a body the provider would not send.
    """

    def post(self, request, provider):
        feed = feed_for(provider)
        if feed is None:
            return JsonResponse({"success": False, "message": "unknown provider"}, status=400)
        try:
            results = bank_webhook_receive(
                feed=feed, body=request.body, headers=request.headers, address=client_address(request)
            )
        except AddressRefused:
            return JsonResponse({"success": False, "message": "address not allowed"}, status=403)
        except SignatureRefused:
            # The reason is for staff (the feed page); the sender learns only that it was refused.
            return JsonResponse({"success": False, "message": "unauthorized"}, status=401)
        except FeedError as exc:
            return JsonResponse({"success": False, "message": f"bad payload: {exc}"}, status=400)
        return JsonResponse(feed.answer(results))


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
class FeedHealthView(TemplateView):
    """Per provider: the URL to give it, which schemes are set, its last delivery and refusal,
    the last pull, and transfers the pull found that its webhook never delivered."""

    template_name = "payments/staff/feeds.html"

    def get_context_data(self, **kwargs):
        return {"feeds": feed_health()}


@method_decorator(never_cache, name="dispatch")
@method_decorator(staff_member_required, name="dispatch")
class FeedPullView(View):
    """Staff ask for a pull now (after fixing a webhook, or to check an API key). At most one a
    minute per provider, whoever asks: the providers limit their APIs (SePay: 3 calls a second)."""

    def post(self, request):
        feed = feed_for(request.POST.get("provider", ""))
        if feed is None or not feed.can_pull():
            messages.error(request, _("Nguồn này chưa có khoá API để đối soát."))
        elif not attempt_take(f"feed-pull-now:{feed.name}", 1, window=PULL_NOW_EVERY):
            messages.error(request, _("Vừa đối soát %(feed)s; hãy đợi một phút.") % {"feed": feed.label})
        else:
            bank_feeds_pull_task.delay([feed.name])
            messages.success(
                request, _("Đã yêu cầu đối soát %(feed)s. Kết quả hiện ở trang này khi xong.") % {"feed": feed.label}
            )
        return redirect("payments:staff-feeds")


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
