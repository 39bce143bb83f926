"""Checkout in two pages: details (one form) and preview with “Đặt hàng”.

Payment goes through Oscar's ``handle_payment``: the chosen gateway checks the order
(``UnableToTakePayment`` with a message for the buyer), a ``Source`` of its code is
recorded, and the order is placed in the gateway's initial status. Money then arrives on
the order page (QR, card) or at delivery (cash).

Two guarantees sit here, not in Oscar:

* **One order per basket.** Placing locks the basket row; a repeated or concurrent
  “Đặt hàng” for a basket that already has an order is sent to that order.
* **No oversell.** ``stock_allocate_check`` locks the stock rows and re-checks them in the
  transaction that then runs Oscar's allocation (django-oscar #4524), so the locks are
  held until the allocation commits.
* **Nothing for free, nothing hidden.** ``basket_purchase_check`` refuses a basket with a
  product the storefront no longer offers, a line without a price, or goods worth 0 ₫: a
  pre-condition of both pages, so also of the “Đặt hàng” POST (back to the basket, with
  the reason, and no order written).

Both pages show the buyer's name, phone and address, so neither may be cached.
"""

from decimal import Decimal

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from oscar.apps.checkout import views as oscar_views
from oscar.apps.checkout.exceptions import FailedPreCondition
from oscar.apps.payment.exceptions import UnableToTakePayment
from oscar.core.loading import get_class, get_model

from core.geo import oscar_country_vietnam
from core.outbox import effect_add
from core.phones import national, parse_vn_phone
from ocop_catalog.shipping.methods import basket_cooperatives
from payments.access import order_grant_access
from payments.gateways import PaymentRequest, enabled_gateways, gateway_for
from payments.services.bank import bank_transfers_early_match
from payments.services.notifications import order_notify_task
from payments.services.orders import (
    BasketRefused,
    OutOfStock,
    basket_purchase_check,
    source_type_for,
    stock_allocate_check,
)
from payments.volume import cooperative_volume_refresh_for_order

from .forms import CheckoutDetailsForm

Repository = get_class("shipping.repository", "Repository")
Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Source = get_model("payment", "Source")

DETAILS = "details"


class CheckoutFlowMixin:
    """What both checkout pages share: the stored details and their pre-condition."""

    def stored_details(self) -> dict:
        return self.checkout_session._get(DETAILS, "form") or {}

    def check_details_are_captured(self, request):
        details = self.stored_details()
        if not details or not gateway_for(details.get("payment_method", "")):
            raise FailedPreCondition(url=reverse("checkout:index"))
        # The basket may have changed since (a product from a cooperative without a stall).
        if details.get("shipping_method") not in {m.code for m in self.shipping_methods()}:
            raise FailedPreCondition(
                url=reverse("checkout:index"),
                message=_("Giỏ hàng đã thay đổi; hãy chọn lại cách nhận hàng."),
            )

    def check_basket_is_purchasable(self, request):
        try:
            basket_purchase_check(basket=request.basket)
        except BasketRefused as exc:
            raise FailedPreCondition(url=reverse("basket:summary"), message=str(exc)) from None

    def summary_lines(self) -> list[tuple]:
        """(basket line, seller name) for the order summary, sellers from the cached cooperatives."""
        names = {c.partner_id: c.name for c in basket_cooperatives(self.request.basket)}
        return [(line, names.get(line.stockrecord.partner_id, "")) for line in self.request.basket.all_lines()]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["summary_lines"] = self.summary_lines()
        return ctx

    def shipping_methods(self):
        return Repository().get_shipping_methods(
            basket=self.request.basket, user=self.request.user, request=self.request
        )


@method_decorator(never_cache, name="dispatch")
class IndexView(CheckoutFlowMixin, oscar_views.IndexView):
    """The details form (replaces Oscar's gateway, address, shipping and payment-method steps)."""

    template_name = "payments/checkout/details.html"
    pre_conditions = ["check_basket_is_not_empty", "check_basket_is_valid", "check_basket_is_purchasable"]
    form_class = CheckoutDetailsForm

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if "update_communes" in request.POST:
            # Re-show the form with the chosen province's communes; no errors yet.
            form = self.form_class(initial=request.POST.dict(), **self._choices())
            return self.render_to_response(self.get_context_data(form=form))
        return self.form_valid(form) if form.is_valid() else self.form_invalid(form)

    def _choices(self) -> dict:
        methods = self.shipping_methods()
        charges = {m.code: m.calculate(self.request.basket).incl_tax for m in methods}
        return {"shipping_methods": methods, "shipping_charges": charges, "gateways": enabled_gateways()}

    def get_form_kwargs(self):
        kwargs = {"initial": self.get_initial(), "prefix": None, **self._choices()}
        if self.request.method == "POST":
            kwargs["data"] = self.request.POST
        return kwargs

    def get_initial(self):
        initial = {"shipping_method": "delivery"}
        gateways = enabled_gateways()
        if gateways:
            initial["payment_method"] = gateways[0].code
        if self.request.user.is_authenticated:
            initial["email"] = self.request.user.email
            initial["name"] = self.request.user.get_full_name()
        initial.update(self.stored_details())
        if "province" in self.request.GET:
            initial["province"] = self.request.GET["province"]
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        cooperatives = basket_cooperatives(self.request.basket)
        ctx["pickup_points"] = [c for c in cooperatives if c.pickup_point]
        ctx["no_stall"] = [c for c in cooperatives if not c.pickup_point] if ctx["pickup_points"] else []
        return ctx

    def form_valid(self, form):
        oscar_country_vietnam()
        data = form.cleaned_data
        session = self.checkout_session
        session.ship_to_new_address(form.address_fields())
        session.use_shipping_method(data["shipping_method"])
        session.pay_by(data["payment_method"])
        session.set_guest_email(data["email"])
        # Kept for re-display in the form and the review page: the phone as people write it.
        session._set(DETAILS, "form", {**data, "phone": national(parse_vn_phone(data["phone"], mobile_only=True))})
        return redirect("checkout:preview")


@method_decorator(never_cache, name="dispatch")
class PaymentDetailsView(CheckoutFlowMixin, oscar_views.PaymentDetailsView):
    template_name = "payments/checkout/preview.html"
    template_name_preview = "payments/checkout/preview.html"
    pre_conditions = [
        "check_basket_is_not_empty",
        "check_basket_is_valid",
        "check_basket_is_purchasable",
        "check_details_are_captured",
    ]
    _gateway = None

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and request.POST.get("action") == "place_order":
            # A “Đặt hàng” repeated after the first one completed: show the order it made
            # rather than “your basket is empty” or the details form.
            if request.basket.id:
                done = self._already_ordered(request, request.basket)
                if done is not None:
                    return done
            number = request.session.get("checkout_last_order")
            if request.basket.is_empty and number:
                messages.info(request, _("Đơn hàng này đã được đặt."))
                return redirect("payments:order-detail", number=number)
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def _already_ordered(request, basket):
        existing = Order.objects.filter(basket_id=basket.pk).first()
        if existing is None:
            return None
        if basket.status != basket.SUBMITTED:  # e.g. a failure after the order was written
            basket.submit()
        messages.info(request, _("Đơn hàng này đã được đặt."))
        order_grant_access(request, existing.number)
        return redirect("payments:order-detail", number=existing.number)

    def get_pre_conditions(self, request):
        return self.pre_conditions

    def get_skip_conditions(self, request):
        return []

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        details = self.stored_details()
        ctx["details"] = details
        ctx["gateway"] = gateway_for(details.get("payment_method", ""))
        return ctx

    def handle_place_order_submission(self, request):
        with transaction.atomic():
            basket = Basket.objects.select_for_update().get(pk=request.basket.pk)
            done = self._already_ordered(request, basket)
            if done is not None:
                return done
            try:
                # Locks the stock rows until this transaction, and Oscar's allocation in it, commits.
                stock_allocate_check(basket=request.basket)
            except OutOfStock as exc:
                return self.render_preview(request, error=str(exc))
            return self.submit(**self.build_submission())

    def build_submission(self, **kwargs):
        submission = super().build_submission(**kwargs)
        submission["order_kwargs"]["guest_email"] = self.stored_details().get("email", "") or ""
        return submission

    def handle_payment(self, order_number, total, **kwargs):
        gateway = gateway_for(self.stored_details().get("payment_method", ""))
        if gateway is None or not gateway.is_enabled():
            raise UnableToTakePayment(_("Hình thức thanh toán này hiện không dùng được. Hãy chọn cách khác."))
        amount = Decimal(total.incl_tax)
        gateway.check(PaymentRequest(order_number=order_number, amount=amount))
        self._gateway = gateway
        self.add_payment_source(
            Source(
                source_type=source_type_for(gateway),
                amount_allocated=amount,
                reference=gateway.source_reference(order_number),
            )
        )

    def get_initial_order_status(self, basket):
        return self._gateway.initial_status

    def send_order_placed_email(self, order):
        """Oscar would send synchronously; ours is an outbox effect written with the order."""
        effect_add(order_notify_task, order.pk, "placed")

    def handle_successful_order(self, order):
        cooperative_volume_refresh_for_order(order)
        bank_transfers_early_match(order=order)  # a bank feed quicker than the buyer
        order_grant_access(self.request, order.number)
        self.request.session["checkout_last_order"] = str(order.number)
        self._placed_number = order.number
        return super().handle_successful_order(order)

    def get_success_url(self):
        return reverse("payments:order-detail", kwargs={"number": self._placed_number})


class ThankYouView(oscar_views.ThankYouView):
    """Oscar's thank-you URL leads to the order page, which is the receipt and the next step."""

    def get(self, request, *args, **kwargs):
        order = self.get_object()
        if order is None:
            return redirect("/")
        order_grant_access(request, order.number)
        return redirect("payments:order-detail", number=order.number)
