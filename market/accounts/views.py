"""Two-factor pages: enter the code after signing in, and turn codes on (or move them to a
new phone). Both work without JavaScript; the QR code is an SVG drawn here (segno)."""

from base64 import b32encode
from binascii import unhexlify
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from core.ratelimit import attempt_key, attempt_release, attempt_take

from .forms import TwoFactorCodeForm
from .selectors import two_factor_device, two_factor_expected
from .services import two_factor_device_confirm, two_factor_verify

SETUP_KEY = "two_factor_setup_key"  # the secret being set up, in the session until confirmed


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def _verified(request, device) -> None:
    # Entering the code raises what the session may do: give it a new key, as login() does.
    request.session.cycle_key()
    django_otp.login(request, device)


@method_decorator(never_cache, name="dispatch")  # the setup page shows the secret
class TwoFactorVerifyView(LoginRequiredMixin, FormView):
    """The code after the password. Wrong codes are counted per (user, client address):
    ``AXES_FAILURE_LIMIT`` of them lock this page for ``AXES_COOLOFF_TIME``, as a login."""

    template_name = "account/two_factor_verify.html"
    form_class = TwoFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if request.user.is_verified():
                return redirect(_next_url(request))
            if two_factor_device(user=request.user) is None:
                return redirect(f"{reverse('accounts:two-factor-setup')}?{urlencode({'next': _next_url(request)})}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_next_url(self.request), **kwargs)

    def form_valid(self, form):
        key = attempt_key(self.request, "two-factor", str(self.request.user.pk))
        window = int(settings.AXES_COOLOFF_TIME.total_seconds())
        if not attempt_take(key, settings.AXES_FAILURE_LIMIT, window):
            minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            form.add_error(
                None, _("Nhập sai mã quá nhiều lần. Hãy chờ %(minutes)s phút rồi thử lại.") % {"minutes": minutes}
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        try:
            device = two_factor_verify(user=self.request.user, token=form.cleaned_data["token"])
        except ValidationError as exc:
            if exc.code != "invalid":
                attempt_release(key)  # throttled or no device: not a wrong code
            form.add_error("token", exc)
            return self.form_invalid(form)
        attempt_release(key)
        _verified(self.request, device)
        return redirect(_next_url(self.request))


@method_decorator(never_cache, name="dispatch")
class TwoFactorSetupView(LoginRequiredMixin, FormView):
    """Turn codes on: scan the QR code (or type the secret) into an authenticator app, then
    enter the code it shows. A user who already has codes must enter one first (the verify
    page), so a stolen password cannot move the codes to the thief's phone."""

    template_name = "account/two_factor_setup.html"
    form_class = TwoFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_verified():
            if two_factor_device(user=request.user) is not None:
                return redirect(
                    f"{reverse('accounts:two-factor-verify')}?{urlencode({'next': request.get_full_path()})}"
                )
        return super().dispatch(request, *args, **kwargs)

    def setup_key(self) -> str:
        key = self.request.session.get(SETUP_KEY)
        if not key:
            key = self.request.session[SETUP_KEY] = random_hex(20)
        return key

    def get_context_data(self, **kwargs):
        user = self.request.user
        key = self.setup_key()
        url = TOTPDevice(user=user, key=key).config_url
        secret = b32encode(unhexlify(key)).decode()
        return super().get_context_data(
            qr_svg=segno.make(url, error="m").svg_inline(scale=5, title=_("Mã QR để thêm vào ứng dụng xác thực")),
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            has_device=two_factor_device(user=user) is not None,
            required=settings.OTP_REQUIRED_FOR_STAFF and two_factor_expected(user=user),
            next=_next_url(self.request),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            device = two_factor_device_confirm(
                user=self.request.user, key=self.setup_key(), token=form.cleaned_data["token"]
            )
        except ValidationError as exc:
            form.add_error("token", exc)
            return self.form_invalid(form)
        del self.request.session[SETUP_KEY]
        _verified(self.request, device)
        messages.success(self.request, _("Đã bật mã xác thực. Từ nay, sau mật khẩu hãy nhập mã trong ứng dụng."))
        return redirect(_next_url(self.request))
