"""The organiser's screens: review of applications and account changes (with the approval
slips), new one-time codes for vendors, whole-market placards, markets and streets."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.ratelimit import client_ip
from core.sms import sms_enabled
from core.urls import absolute_url
from merchants.areas import area_of

from ..forms import (
    MarketForm,
    ReviewForm,
    add_service_errors,
)
from ..models import Application
from ..placards import mask_account
from ..selectors import onboarding_by_agent
from ..services import (
    ApprovalSlip,
    application_reject,
    applications_approve,
    market_save,
    merchant_password_code_issue,
)
from .access import no_store, organiser_markets


@no_store
class VendorPasswordResetView(PermissionRequiredMixin, View):
    """An organiser of the stall's area gives a vendor a new one-time code: a forgotten
    password (cleared at once), or a first code that was lost. The code is shown once, on a
    slip to hand over in person after checking the vendor's papers."""

    permission_required = "merchants.review_application"

    def post(self, request, reference):
        application = get_object_or_404(
            Application.objects.select_related("merchant__user", "stall__market"),
            reference=reference,
            stall__market__in=organiser_markets(request.user),
        )
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Hãy đánh dấu ô xác nhận trước khi cấp mã."))
            return redirect("merchants:application-detail", reference=reference)
        qr = application.qrs.filter(revoked_at__isnull=True).first()
        if qr is None:
            messages.error(request, _("Hồ sơ %(ref)s chưa được cấp mã QR.") % {"ref": reference})
            return redirect("merchants:application-detail", reference=reference)
        try:
            code, expires = merchant_password_code_issue(
                merchant=application.merchant, actor=request.user, client_ip=client_ip(request), reason="reset"
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("merchants:application-detail", reference=reference)
        if sms_enabled():  # texted to the vendor's phone; no person sees it
            messages.success(
                request,
                _("Đã nhắn mã đặt mật khẩu mới đến số %(phone)s của %(name)s; mật khẩu cũ thôi dùng.")
                % {"phone": mask_account(application.merchant.phone), "name": application.merchant.name},
            )
            return redirect("merchants:application-detail", reference=reference)
        slip = ApprovalSlip(application=application, qr=qr, code=code, code_expires=expires)
        return TemplateResponse(request, "merchants/approval_slips.html", slips_context([slip]))


@no_store
class ReviewView(PermissionRequiredMixin, TemplateView):
    """The organiser's review of new applications and account changes, in bulk. Approving
    shows, once, a slip per vendor with the one-time code for their first password."""

    permission_required = "merchants.review_application"
    template_name = "merchants/review.html"

    def queryset(self):
        rows = Application.objects.select_related("stall__market", "merchant").order_by(
            "stall__market__name", "created_at"
        )
        rows = rows.filter(stall__market__in=organiser_markets(self.request.user))
        market = self.request.GET.get("market", "")
        status = self.request.GET.get("status", Application.Status.SUBMITTED)
        if market:
            rows = rows.filter(stall__market__slug=market)
        if status in Application.Status.values:
            rows = rows.filter(status=status)
        return rows

    def get_context_data(self, **kwargs):
        rows = self.queryset()
        kwargs.setdefault("form", ReviewForm(queryset=rows))
        return super().get_context_data(
            rows=rows[:300],
            markets=organiser_markets(self.request.user),
            area=area_of(self.request.user),
            statuses=Application.Status.choices,
            by_agent=onboarding_by_agent(
                markets=organiser_markets(self.request.user), market_slug=self.request.GET.get("market") or None
            ),
            market=self.request.GET.get("market", ""),
            market_in_area=organiser_markets(self.request.user)
            .filter(slug=self.request.GET.get("market", ""))
            .exists(),
            status=self.request.GET.get("status", Application.Status.SUBMITTED),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        pending = Application.objects.filter(
            status=Application.Status.SUBMITTED, stall__market__in=organiser_markets(request.user)
        )
        form = ReviewForm(request.POST, queryset=pending)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        chosen = form.cleaned_data["applications"]
        if form.cleaned_data["action"] == "approve":
            slips, errors = applications_approve(
                applications=chosen,
                reviewer=request.user,
                verified_ids={a.pk for a in form.cleaned_data["verified"]},
                client_ip=client_ip(request),
            )
            done = [slip.application.reference for slip in slips]
        else:
            slips, errors, done = [], [], []
            for application in chosen:
                try:
                    application_reject(
                        application=application,
                        reviewer=request.user,
                        reason=form.cleaned_data["reason"],
                        client_ip=client_ip(request),
                    )
                    done.append(application.reference)
                except ValidationError as exc:
                    errors.append(" ".join(exc.messages))
        for error in errors:
            messages.error(request, error)
        if done:
            text = (
                _("Đã duyệt và cấp mã QR: %(refs)s.")
                if form.cleaned_data["action"] == "approve"
                else _("Đã từ chối: %(refs)s.")
            )
            messages.success(request, text % {"refs": ", ".join(done)})
        texted = [slip.application.reference for slip in slips if slip.texted]
        if texted:
            messages.info(
                request,
                _("Đã nhắn mã đặt mật khẩu đến điện thoại của tiểu thương: %(refs)s.") % {"refs": ", ".join(texted)},
            )
        if any(slip.code for slip in slips):
            # The codes exist only in this answer: print the slips or write them down now.
            return TemplateResponse(
                request,
                "merchants/approval_slips.html",
                slips_context([slip for slip in slips if slip.code], back=request.get_full_path()),
            )
        return redirect(request.get_full_path())


class MarketListView(PermissionRequiredMixin, TemplateView):
    """The organiser's markets and streets, with how far each has come."""

    permission_required = "merchants.review_application"
    template_name = "merchants/markets.html"

    def get_context_data(self, **kwargs):
        live = Q(stalls__qrs__revoked_at__isnull=True, stalls__qrs__isnull=False)
        markets = organiser_markets(self.request.user).annotate(
            n_stalls=Count("stalls", distinct=True),
            n_pending=Count("stalls__applications", filter=Q(stalls__applications__status="submitted"), distinct=True),
            n_live=Count("stalls", filter=live, distinct=True),
        )
        return super().get_context_data(markets=markets, area=area_of(self.request.user), **kwargs)


class MarketEditView(PermissionRequiredMixin, FormView):
    """Add (no slug) or edit a market or street of the organiser's own area."""

    template_name = "merchants/market_form.html"
    form_class = MarketForm

    def get_permission_required(self):
        return ["merchants.change_market" if "slug" in self.kwargs else "merchants.add_market"]

    def dispatch(self, request, *args, **kwargs):
        self.area = area_of(request.user)
        if request.user.is_authenticated and self.area is None:
            raise PermissionDenied(_("Tài khoản chưa được gán địa bàn (xã hoặc tỉnh)."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        instance = None
        if "slug" in self.kwargs:
            instance = get_object_or_404(organiser_markets(self.request.user), slug=self.kwargs["slug"])
        return {**super().get_form_kwargs(), "instance": instance, "area": self.area}

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if "update_communes" in request.POST:
            # Re-show the form with the chosen province's communes; no errors yet.
            form = self.form_class(initial=request.POST.dict(), instance=form.instance, area=self.area)
            return self.render_to_response(self.get_context_data(form=form))
        return self.form_valid(form) if form.is_valid() else self.form_invalid(form)

    def form_valid(self, form):
        try:
            market = market_save(market=form.instance)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu %(name)s.") % {"name": market.name})
        return redirect("merchants:markets")


def slips_context(slips, *, back: str = "") -> dict:
    """What an approval slip prints beside the code: where to use it, and how many tries."""
    return {
        "slips": slips,
        "back": back or reverse("merchants:review"),
        "vendor_password_url": absolute_url(reverse("merchants:vendor-password")),
        "code_tries": settings.VENDOR_CODE_MAX_FAILURES,
    }
