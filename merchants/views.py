"""Screens of the cashless street: the vendor's application (also used by field agents),
its status, the organiser's review, and placard downloads."""

from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from market.areas import area_of
from market.grants import session_grant, session_has
from market.money import format_vnd
from market.phones import e164, parse_vn_phone
from market.ratelimit import attempt_count, attempt_key, attempts_exhausted

from .forms import (
    AccountChangeForm,
    ApplicationLookupForm,
    MarketForm,
    ReviewForm,
    VendorApplicationForm,
    VendorLoginForm,
    VendorPasswordForm,
    add_service_errors,
)
from .models import Application, IssuedQR, Market, Merchant, PersonalDataAccess, PlacardBatch, Stall, StallPayment
from .placards import placards_pdf
from .selectors import live_qrs, onboarding_by_agent
from .services import (
    RESET_CODE_HOURS,
    application_approve,
    application_reject,
    application_submit,
    market_save,
    merchant_account_change,
    merchant_password_reset,
    merchant_password_set,
    placard_batch_request,
    placards_printed,
    stall_for_application,
)

APPLY_LIMIT = 5  # submissions per client address and phone, per hour


def _is_agent(user) -> bool:
    return user.is_authenticated and user.has_perm("merchants.onboard_vendors")


def organiser_markets(user):
    """The markets an organiser answers for: their commune's or province's (all for admins)."""
    area = area_of(user)
    return area.filter(Market.objects.all()) if area else Market.objects.none()


class VendorApplyView(FormView):
    template_name = "merchants/apply.html"
    form_class = VendorApplicationForm

    def get_initial(self):
        market = Market.objects.filter(slug=self.request.GET.get("market", "")).first()
        return {"market": market} if market else {}

    def get_context_data(self, **kwargs):
        return super().get_context_data(agent=_is_agent(self.request.user), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        # Per address *and* phone: a whole village may share one carrier NAT address.
        try:
            phone_key = e164(parse_vn_phone(data["phone"], mobile_only=True))
        except ValidationError:
            phone_key = "".join(ch for ch in data["phone"] if ch.isdigit())
        key = attempt_key(self.request, "stall-apply", phone_key)
        if attempts_exhausted(key, APPLY_LIMIT) and not _is_agent(self.request.user):
            form.add_error(None, _("Số điện thoại này đã gửi nhiều hồ sơ trong một giờ. Hãy thử lại sau."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        try:
            # One transaction: a refused application leaves no empty stall behind.
            with transaction.atomic():
                stall = stall_for_application(
                    market=data["market"], code=data["stall_code"], place=data["place"], goods=data["goods"]
                )
                application = application_submit(
                    stall=stall,
                    name=data["name"],
                    phone=data["phone"],
                    bank_bin=data["bank_bin"],
                    account_number=data["account_number"],
                    is_card=data["is_card"],
                    holder_name=data["holder_name"],
                    cccd=data["cccd"],
                    consent=data["consent"],
                    submitted_by=self.request.user,
                )
        except ValidationError as exc:
            add_service_errors(form, exc, {"stall": "stall_code"})
            return self.form_invalid(form)
        attempt_count(key)
        if _is_agent(self.request.user):
            # The agent reaches the application as its sender; their phone gets no session
            # grant, which would let it set the vendor's password once the QR is issued.
            messages.success(
                self.request,
                _("Đã gửi hồ sơ %(ref)s cho %(name)s. Mời nhập tiểu thương tiếp theo.")
                % {"ref": application.reference, "name": application.merchant.name},
            )
            return redirect(f"{self.request.path}?market={data['market'].slug}")
        session_grant(self.request, "applications", application.reference)
        return redirect("merchants:application-detail", reference=application.reference)


class ApplicationLookupView(FormView):
    """A vendor on another phone, or after the browser forgot: reference + phone open the application."""

    template_name = "merchants/application_lookup.html"
    form_class = ApplicationLookupForm

    def form_valid(self, form):
        reference = form.cleaned_data["reference"]
        key = attempt_key(self.request, "application-lookup", reference)
        if attempts_exhausted(key, APPLY_LIMIT * 2):
            form.add_error(None, _("Bạn đã thử quá nhiều lần. Hãy thử lại sau một giờ."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        try:
            phone = e164(parse_vn_phone(form.cleaned_data["phone"], mobile_only=True))
        except ValidationError as exc:
            form.add_error("phone", exc)
            return self.form_invalid(form)
        if not Application.objects.filter(reference=reference, merchant__phone=phone).exists():
            attempt_count(key)
            form.add_error(None, _("Không tìm thấy hồ sơ với mã và số điện thoại này."))
            return self.form_invalid(form)
        session_grant(self.request, "applications", reference)
        return redirect("merchants:application-detail", reference=reference)


class ApplicationDetailView(TemplateView):
    template_name = "merchants/application_detail.html"

    def get_context_data(self, **kwargs):
        application = get_object_or_404(
            Application.objects.select_related("stall__market", "merchant"), reference=self.kwargs["reference"]
        )
        user = self.request.user
        _check_may_act_for(self.request, application)
        qr = application.qrs.filter(revoked_at__isnull=True).first()
        # Full CCCD and account number: only for organisers with the permission, and logged.
        show_full = user.is_authenticated and user.has_perm("merchants.view_personal_data")
        if show_full:
            PersonalDataAccess.objects.create(
                actor=user, application=application, action=PersonalDataAccess.Action.VIEW
            )
        can_set_password = (
            qr is not None
            and session_has(self.request, "applications", application.reference)
            and _password_unset(application.merchant)
        )
        may_reset = (
            application.merchant.user_id is not None
            and user.is_authenticated
            and user.has_perm("merchants.review_application")
            and organiser_markets(user).filter(pk=application.stall.market_id).exists()
        )
        return super().get_context_data(
            application=application,
            qr=qr,
            show_full=show_full,
            password_form=VendorPasswordForm(needs_code=application.merchant.user_id is not None)
            if can_set_password
            else None,
            may_reset_password=may_reset,
            **kwargs,
        )


class VendorPasswordView(View):
    """Once the stall's QR is issued, the vendor's session sets the password of their login
    (after a reset, with the organiser's one-time code)."""

    def post(self, request, reference):
        application = get_object_or_404(Application.objects.select_related("merchant__user"), reference=reference)
        if not session_has(request, "applications", reference) or not _password_unset(application.merchant):
            raise PermissionDenied(_("Chỉ tiểu thương, người đăng ký hộ hoặc cán bộ được giao mới mở được trang này."))
        if not application.qrs.exists():
            raise PermissionDenied(_("Hồ sơ %(ref)s chưa được cấp mã QR.") % {"ref": reference})
        needs_code = application.merchant.user_id is not None
        key = attempt_key(request, "reset-code", reference)
        if needs_code and attempts_exhausted(key, APPLY_LIMIT):
            messages.error(request, _("Bạn đã thử quá nhiều lần. Hãy thử lại sau một giờ."))
            return redirect("merchants:application-detail", reference=reference)
        form = VendorPasswordForm(request.POST, needs_code=needs_code)
        try:
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            user = merchant_password_set(
                merchant=application.merchant,
                password=form.cleaned_data["password"],
                reset_code=form.cleaned_data.get("reset_code", ""),
            )
        except ValidationError as exc:
            if needs_code:
                attempt_count(key)
            messages.error(request, " ".join(exc.messages))
            return redirect("merchants:application-detail", reference=reference)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Đã đặt mật khẩu. Lần sau đăng nhập bằng số điện thoại và mật khẩu này."))
        return redirect("merchants:vendor-home")


def _password_unset(merchant: Merchant) -> bool:
    return merchant.user is None or not merchant.user.has_usable_password()


class VendorPasswordResetView(PermissionRequiredMixin, View):
    """An organiser of the stall's area clears a vendor's forgotten password and is shown a
    one-time code to hand over in person; the vendor sets a new password with it from their
    application page (opened with reference and phone)."""

    permission_required = "merchants.review_application"

    def post(self, request, reference):
        application = get_object_or_404(
            Application.objects.select_related("merchant__user", "stall"),
            reference=reference,
            stall__market__in=organiser_markets(request.user),
        )
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Hãy đánh dấu ô xác nhận trước khi xoá mật khẩu."))
            return redirect("merchants:application-detail", reference=reference)
        try:
            code = merchant_password_reset(merchant=application.merchant, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("merchants:application-detail", reference=reference)
        messages.success(
            request,
            _(
                "Đã xoá mật khẩu của %(name)s. Mã đặt lại: %(code)s (dùng được %(hours)s giờ). Đưa mã tận tay "
                "tiểu thương; họ mở “Tra cứu hồ sơ” bằng mã hồ sơ %(ref)s và số điện thoại, rồi nhập mã này "
                "cùng mật khẩu mới."
            )
            % {"name": application.merchant.name, "code": code, "hours": RESET_CODE_HOURS, "ref": reference},
        )
        return redirect("merchants:application-detail", reference=reference)


class VendorLoginView(FormView):
    template_name = "merchants/vendor_login.html"
    form_class = VendorLoginForm

    def form_valid(self, form):
        try:
            username = e164(parse_vn_phone(form.cleaned_data["phone"], mobile_only=True))
        except ValidationError as exc:
            form.add_error("phone", exc)
            return self.form_invalid(form)
        key = attempt_key(self.request, "vendor-login", username)
        if attempts_exhausted(key, APPLY_LIMIT * 2):
            form.add_error(None, _("Bạn đã thử quá nhiều lần. Hãy thử lại sau một giờ."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        user = authenticate(self.request, username=username, password=form.cleaned_data["password"])
        if user is None or not hasattr(user, "merchant"):
            attempt_count(key)
            form.add_error(None, _("Số điện thoại hoặc mật khẩu không đúng."))
            return self.form_invalid(form)
        login(self.request, user)
        return redirect("merchants:vendor-home")


class VendorHomeView(LoginRequiredMixin, TemplateView):
    """The vendor's own page: each stall's QR, its history, reprint, and changing the account."""

    template_name = "merchants/vendor_home.html"
    login_url = "merchants:vendor-login"

    def merchant(self) -> Merchant:
        merchant = Merchant.objects.filter(user=self.request.user).first()
        if merchant is None:
            raise PermissionDenied(_("Tài khoản này không phải của tiểu thương."))
        return merchant

    def get_context_data(self, **kwargs):
        merchant = self.merchant()
        stalls = []
        for stall in Stall.objects.filter(qrs__application__merchant=merchant).distinct().select_related("market"):
            history = list(stall.qrs.order_by("-version"))
            stalls.append(
                {
                    "stall": stall,
                    "live": next((q for q in history if q.revoked_at is None), None),
                    "history": history,
                    "form": kwargs.get("forms", {}).get(stall.pk) or AccountChangeForm(prefix=f"s{stall.pk}"),
                }
            )
        return super().get_context_data(merchant=merchant, stalls=stalls, **kwargs)

    def post(self, request):
        merchant = self.merchant()
        stall = get_object_or_404(Stall, pk=request.POST.get("stall"), qrs__application__merchant=merchant)
        form = AccountChangeForm(request.POST, prefix=f"s{stall.pk}")
        if form.is_valid():
            try:
                merchant_account_change(
                    merchant=merchant,
                    stall=stall,
                    actor=request.user,
                    **{k: form.cleaned_data[k] for k in ("bank_bin", "account_number", "holder_name", "is_card")},
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Đã cấp mã QR mới cho sạp %(code)s. Hãy in lại bảng QR.") % {"code": stall.code}
                )
                return redirect("merchants:vendor-home")
        return self.render_to_response(self.get_context_data(forms={stall.pk: form}), status=400)


class ReviewView(PermissionRequiredMixin, TemplateView):
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
        done = []
        for application in form.cleaned_data["applications"]:
            try:
                if form.cleaned_data["action"] == "approve":
                    application_approve(application=application, reviewer=request.user)
                else:
                    application_reject(
                        application=application, reviewer=request.user, reason=form.cleaned_data["reason"]
                    )
                done.append(application.reference)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        if done:
            text = (
                _("Đã duyệt và cấp mã QR: %(refs)s.")
                if form.cleaned_data["action"] == "approve"
                else _("Đã từ chối: %(refs)s.")
            )
            messages.success(request, text % {"refs": ", ".join(done)})
        return redirect(request.get_full_path())


def _check_may_act_for(request, application: Application) -> None:
    """A vendor's application, QR, placard and money page are for: the vendor (logged in, or
    the session that sent the application), the agent who signed them up, and organisers."""
    user = request.user
    if session_has(request, "applications", application.reference):
        return
    if user.is_authenticated and (
        (
            user.has_perm("merchants.review_application")
            and organiser_markets(user).filter(pk=application.stall.market_id).exists()
        )
        or application.submitted_by_id == user.pk
        or Merchant.objects.filter(user=user, pk=application.merchant_id).exists()
    ):
        return
    raise PermissionDenied(_("Chỉ tiểu thương, người đăng ký hộ hoặc cán bộ được giao mới mở được trang này."))


def _stall_qr_for(request, pk) -> IssuedQR:
    qr = get_object_or_404(IssuedQR.objects.select_related("stall__market", "application"), pk=pk)
    _check_may_act_for(request, qr.application)
    return qr


class MoneyReceivedView(TemplateView):
    """“Nhận tiền”: left open on the vendor's phone, it shows and speaks each payment as the
    bank reports it, the answer to a faked transfer screenshot."""

    template_name = "merchants/money.html"

    def get_context_data(self, **kwargs):
        qr = _stall_qr_for(self.request, self.kwargs["pk"])
        payments = list(StallPayment.objects.filter(stall=qr.stall).order_by("-pk")[:10])
        return super().get_context_data(qr=qr, payments=payments, last_id=payments[0].pk if payments else 0, **kwargs)


class MoneyReceivedJsonView(View):
    def get(self, request, pk):
        qr = _stall_qr_for(request, pk)
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
                        "speech": phrase % {"amount": f"{int(p.amount):,}".replace(",", ".")},
                        "time": timezone.localtime(p.received_at).strftime("%H:%M"),
                    }
                    for p in rows
                ]
            }
        )


class PlacardView(View):
    """One stall's placard, for the vendor's session, the agent who sent it, or organisers."""

    def get(self, request, pk):
        qr = _stall_qr_for(request, pk)
        if qr.revoked_at:
            messages.error(request, _("Mã QR này đã bị thu hồi; hãy in mã mới."))
            return redirect("merchants:application-detail", reference=qr.application.reference)
        layout = "a4x4" if request.GET.get("layout") == "a4x4" else "a6"
        return _pdf_response(
            placards_pdf([qr], layout=layout), f"bang-qr-{qr.stall.code}.pdf", [qr], layout, request.user
        )


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


class PlacardBatchView(PermissionRequiredMixin, TemplateView):
    """Progress of a batch (the page refreshes itself, no JS needed), then the download."""

    permission_required = "merchants.review_application"
    template_name = "merchants/placard_batch.html"

    def get_context_data(self, **kwargs):
        batch = get_object_or_404(PlacardBatch, pk=self.kwargs["pk"], market__in=organiser_markets(self.request.user))
        return super().get_context_data(batch=batch, **kwargs)


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


def _pdf_response(pdf: bytes, filename: str, qrs, layout: str, user) -> HttpResponse:
    placards_printed(qrs=qrs, layout=layout, user=user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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
