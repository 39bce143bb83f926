from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from .selectors import two_factor_step

# Pages a signed-in user reaches before entering a code: the code pages, every door's
# logout, the language switch, and media served by Django in a demo.
OPEN_VIEWS = {
    "accounts:two-factor-verify",
    "accounts:two-factor-setup",
    "admin:logout",
    "wagtailadmin_logout",
    "customer:logout",
    "set_language",
    "django.views.static.serve",
}


# Set once a login's session is found to need no code (most users: buyers, vendors,
# cooperative staff), so the answer costs no query per page. A login made after codes are
# turned on, or made required, starts a new session and is asked afresh.
NO_STEP_KEY = "two_factor_not_needed"


class TwoFactorMiddleware:
    """Send a signed-in user whose session has not entered a code to the code page: anyone
    with a confirmed device, and (with ``OTP_REQUIRED_FOR_STAFF``) staff and organisers
    without one to the setup page. Everyone else (buyers, vendors, cooperative staff without
    codes) is never stopped. Goes after django-otp's OTPMiddleware, which adds
    ``user.is_verified()``; static files never reach it (WhiteNoise answers first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match.view_name in OPEN_VIEWS:
            return None
        if request.session.get(NO_STEP_KEY) == user.pk:
            return None  # asked once for this login: no query on every page
        step = two_factor_step(user=user)
        if step is None:
            request.session[NO_STEP_KEY] = user.pk
            return None
        page = reverse("accounts:two-factor-verify" if step == "verify" else "accounts:two-factor-setup")
        return redirect(f"{page}?{urlencode({'next': request.get_full_path()})}")
