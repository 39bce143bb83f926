"""The vendor's screens: the application (also used by field agents), its status, the
one-time-code password page, login, and the vendor's stalls and account change. "Nhận tiền"
is in ``money``, the placard in ``placards``."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from core.grants import session_grant, session_has
from core.phones import e164, parse_vn_phone
from core.ratelimit import (
    attempt_key,
    attempt_record,
    attempt_release,
    attempt_take,
    attempts_exhausted,
    client_ip,
    lockout_message,
)

from ..forms import (
    AccountChangeForm,
    ApplicationLookupForm,
    VendorApplicationForm,
    VendorLoginForm,
    VendorPasswordForm,
    add_service_errors,
)
from ..models import Application, IssuedQR, Market, Merchant, PersonalDataAccess, Stall
from ..selectors import pending_account_changes
from ..services import (
    application_submit,
    merchant_account_change_cancel,
    merchant_account_change_request,
    merchant_password_set,
    stall_for_application,
)
from .access import (
    is_agent,
    may_act_for,
    no_store,
    organiser_of,
    typed_phone,
)

APPLY_LIMIT = 5  # submissions per client address and phone, per hour
APPLY_PHONE_LIMIT = 10  # submissions per phone, per hour, whatever the address
LOOKUP_LIMIT = 10  # failed lookups per reference, and per phone, per hour, whatever the address
CHANGE_PASSWORD_LIMIT = 5  # wrong passwords on an account change, per vendor, per hour


@no_store
class VendorApplyView(FormView):
    template_name = "merchants/apply.html"
    form_class = VendorApplicationForm

    def get_initial(self):
        market = Market.objects.filter(slug=self.request.GET.get("market", "")).first()
        return {"market": market} if market else {}

    def get_context_data(self, **kwargs):
        return super().get_context_data(agent=is_agent(self.request.user), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        agent = is_agent(self.request.user)
        phone_key = typed_phone(data["phone"])
        # Per address and phone (a whole village may share one carrier NAT address), and per
        # phone whatever the address.
        keys = [attempt_key(self.request, "stall-apply", phone_key), f"stall-apply-phone:{phone_key}"]
        # It only queues a review, so it stays open while the shared cache is down.
        if not agent and (
            attempts_exhausted(keys[0], APPLY_LIMIT, fail_open=True)
            or attempts_exhausted(keys[1], APPLY_PHONE_LIMIT, fail_open=True)
        ):
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
                    client_ip=client_ip(self.request),
                )
        except ValidationError as exc:
            add_service_errors(form, exc, {"stall": "stall_code"})
            return self.form_invalid(form)
        for key in keys:
            attempt_record(key)
        if agent:
            messages.success(
                self.request,
                _("Đã gửi hồ sơ %(ref)s cho %(name)s. Mời nhập tiểu thương tiếp theo.")
                % {"ref": application.reference, "name": application.applicant_name},
            )
            return redirect(f"{self.request.path}?market={data['market'].slug}")
        session_grant(self.request, "applications", application.reference)  # its status, nothing more
        return redirect("merchants:application-detail", reference=application.reference)


@no_store
class ApplicationLookupView(FormView):
    """A vendor on another phone, or after the browser forgot: reference + phone show the
    application's status. Only the status: the lookup is a door anyone may knock on."""

    template_name = "merchants/application_lookup.html"
    form_class = ApplicationLookupForm

    def form_valid(self, form):
        reference = form.cleaned_data["reference"]
        phone = typed_phone(form.cleaned_data["phone"])
        keys = [f"application-lookup-ref:{reference}", f"application-lookup-phone:{phone}"]
        if not all([attempt_take(key, LOOKUP_LIMIT) for key in keys]):  # both counted, whatever happens
            form.add_error(None, _("Bạn đã thử quá nhiều lần. Hãy thử lại sau một giờ."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if not Application.objects.filter(reference=reference, merchant__phone=phone).exists():
            form.add_error(None, _("Không tìm thấy hồ sơ với mã và số điện thoại này."))
            return self.form_invalid(form)
        for key in keys:
            attempt_release(key)  # only misses use up the limit
        session_grant(self.request, "applications", reference)
        return redirect("merchants:application-detail", reference=reference)


@no_store
class ApplicationDetailView(TemplateView):
    """The application: its status for a session that sent or found it; the whole of it for
    the vendor, the agent and the area's organisers (full CCCD and account only with the
    permission, each view logged)."""

    template_name = "merchants/application_detail.html"

    def get_context_data(self, **kwargs):
        application = get_object_or_404(
            Application.objects.select_related("stall__market", "merchant__user"), reference=self.kwargs["reference"]
        )
        user = self.request.user
        full = may_act_for(self.request, application)
        if not full and not session_has(self.request, "applications", application.reference):
            # The same answer as for a reference that does not exist: no one learns which do.
            raise Http404(_("Không tìm thấy hồ sơ."))
        qr = application.qrs.filter(revoked_at__isnull=True).first() if full else None
        show_full = full and user.has_perm("merchants.view_personal_data")
        if show_full:
            PersonalDataAccess.objects.create(
                actor=user, application=application, action=PersonalDataAccess.Action.VIEW
            )
        organiser = organiser_of(user, application)
        return super().get_context_data(
            application=application,
            full=full,
            qr=qr,
            show_full=show_full,
            is_vendor=full and application.merchant.user_id == user.pk,
            may_issue_code=organiser and application.status not in ("submitted", "rejected"),
            events=application.merchant.events.select_related("actor")[:30] if organiser else (),
            **kwargs,
        )


@no_store
class VendorPasswordView(FormView):
    """The vendor sets a password with the one-time code from the approval slip or SMS, then
    is logged in. Wrong codes are counted per vendor in the database (the code dies after
    ``VENDOR_CODE_MAX_FAILURES``), so no address rotation helps."""

    template_name = "merchants/vendor_password.html"
    form_class = VendorPasswordForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            code_days=settings.VENDOR_CODE_VALID.days, code_tries=settings.VENDOR_CODE_MAX_FAILURES, **kwargs
        )

    def form_valid(self, form):
        try:
            user = merchant_password_set(
                phone=form.cleaned_data["phone"],
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password"],
                client_ip=client_ip(self.request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("Đã đặt mật khẩu. Lần sau đăng nhập bằng số điện thoại và mật khẩu này."))
        return redirect("merchants:vendor-home")


class VendorLoginView(FormView):
    """The vendors' door: phone (as E.164, the username) and password. Locked like every
    login door (market.accounts.lockout), with the lock said on this page."""

    template_name = "merchants/vendor_login.html"
    form_class = VendorLoginForm

    def form_valid(self, form):
        try:
            username = e164(parse_vn_phone(form.cleaned_data["phone"], mobile_only=True))
        except ValidationError as exc:
            form.add_error("phone", exc)
            return self.form_invalid(form)
        # Wrong passwords are counted by django-axes per (phone, client address); while that
        # pair is locked, authenticate() refuses even the right password and flags the request.
        user = authenticate(self.request, username=username, password=form.cleaned_data["password"])
        if getattr(self.request, "axes_locked_out", False):
            form.add_error(None, lockout_message())
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if user is None or not hasattr(user, "merchant"):
            form.add_error(None, _("Số điện thoại hoặc mật khẩu không đúng."))
            return self.form_invalid(form)
        login(self.request, user)
        return redirect("merchants:vendor-home")


@no_store
class VendorHomeView(LoginRequiredMixin, TemplateView):
    """The vendor's own page: each stall's QR, its history, reprint, and asking to change the
    payout account (password again; organiser review; the live QR stays until approved)."""

    template_name = "merchants/vendor_home.html"
    login_url = "merchants:vendor-login"

    def merchant(self) -> Merchant:
        merchant = Merchant.objects.filter(user=self.request.user).first()
        if merchant is None:
            raise PermissionDenied(_("Tài khoản này không phải của tiểu thương."))
        return merchant

    def get_context_data(self, **kwargs):
        merchant = self.merchant()
        pending = pending_account_changes(merchant=merchant)
        stalls = []
        live_qrs_of_merchant = IssuedQR.objects.filter(application__merchant=merchant, revoked_at__isnull=True)
        for stall in Stall.objects.filter(qrs__in=live_qrs_of_merchant).distinct().select_related("market"):
            history = list(stall.qrs.order_by("-version"))
            stalls.append(
                {
                    "stall": stall,
                    "live": next((q for q in history if q.revoked_at is None), None),
                    "history": history,
                    "pending": pending.get(stall.pk),
                    "form": kwargs.get("forms", {}).get(stall.pk) or AccountChangeForm(prefix=f"s{stall.pk}"),
                }
            )
        return super().get_context_data(merchant=merchant, stalls=stalls, **kwargs)

    def post(self, request):
        merchant = self.merchant()
        if "cancel_change" in request.POST:
            return self.cancel_change(request, merchant)
        stall_id = request.POST.get("stall", "")
        if not stall_id.isdigit():
            raise Http404(_("Không có sạp này."))
        stall = get_object_or_404(
            Stall, pk=int(stall_id), qrs__application__merchant=merchant, qrs__revoked_at__isnull=True
        )
        form = AccountChangeForm(request.POST, prefix=f"s{stall.pk}")
        key = f"account-change-password:{request.user.pk}"
        if not attempt_take(key, CHANGE_PASSWORD_LIMIT):
            form.add_error(None, _("Bạn đã nhập sai mật khẩu quá nhiều lần. Hãy thử lại sau một giờ."))
            return self.render_to_response(self.get_context_data(forms={stall.pk: form}), status=429)
        if not form.is_valid():
            attempt_release(key)  # no password was checked
        else:
            try:
                application = merchant_account_change_request(
                    merchant=merchant,
                    stall=stall,
                    actor=request.user,
                    client_ip=client_ip(request),
                    **{
                        k: form.cleaned_data[k]
                        for k in ("password", "bank_bin", "account_number", "holder_name", "is_card")
                    },
                )
            except ValidationError as exc:
                if "password" not in getattr(exc, "error_dict", {}):
                    attempt_release(key)  # only wrong passwords use up the limit
                add_service_errors(form, exc)
            else:
                attempt_release(key)
                messages.success(
                    request,
                    _(
                        "Đã gửi yêu cầu đổi tài khoản cho sạp %(code)s (hồ sơ %(ref)s). Mã QR hiện tại vẫn dùng cho "
                        "đến khi ban quản lý chợ duyệt."
                    )
                    % {"code": stall.code, "ref": application.reference},
                )
                return redirect("merchants:vendor-home")
        return self.render_to_response(self.get_context_data(forms={stall.pk: form}), status=400)

    def cancel_change(self, request, merchant):
        application_id = request.POST.get("cancel_change", "")
        try:
            if not application_id.isdigit():
                raise ValidationError(_("Không còn yêu cầu nào đang chờ để huỷ."))
            application = merchant_account_change_cancel(
                merchant=merchant, application_id=int(application_id), actor=request.user, client_ip=client_ip(request)
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Đã huỷ yêu cầu %(ref)s. Sạp vẫn nhận tiền vào tài khoản cũ.") % {"ref": application.reference},
            )
        return redirect("merchants:vendor-home")
