from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from core.ratelimit import LimitsUnavailable


def visitor_language(request) -> str:
    """Vietnamese unless the visitor picked a language with the switch (its cookie)."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


class VietnameseFirstLocaleMiddleware:
    """Vietnamese unless the visitor picked English with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show
    English to a buyer whose phone happens to be set to English. Here only the language
    cookie that ``set_language`` writes changes it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = visitor_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RequestBodyLimitMiddleware:
    """Refuse a request body over ``MAX_REQUEST_BYTES`` before anything reads it (and a NUL
    character in the path or query string, which no link of ours has).

    It runs before the session, CSRF and the view, so a declared ``Content-Length`` over
    the limit is answered with 413 and not one byte of the body is taken in. A chunked body
    without ``Content-Length`` is refused with 411: Django's WSGI request reads no more than
    ``Content-Length`` (none: nothing), so such a body would otherwise be silently dropped,
    and gunicorn passes chunked bodies through as they come. Under ASGI Django has spooled the
    whole body to disk before any middleware runs, so there the reverse proxy's
    ``client_max_body_size`` (set to the same limit) is the guard that counts.

    Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` and ``FILE_UPLOAD_MAX_MEMORY_SIZE`` still bound
    what is held in memory below this limit (fields in memory; files spill to disk).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            # Never in a real link, and PostgreSQL refuses it in text: a 400, not a 500 later.
            with translation.override(visitor_language(request)):
                message = _("Đường dẫn không hợp lệ.")
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        limit = settings.MAX_REQUEST_BYTES
        declared = request.META.get("CONTENT_LENGTH")
        if declared:
            try:
                too_big = int(declared) > limit
            except ValueError:
                too_big = False  # Django reads an unreadable length as 0: nothing is read.
            if too_big:
                with translation.override(visitor_language(request)):
                    message = _("Yêu cầu quá lớn: tối đa %(max)d MB.") % {"max": limit // 1_048_576}
                return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            with translation.override(visitor_language(request)):
                message = _("Yêu cầu cần ghi rõ độ dài (Content-Length).")
            return HttpResponse(message, status=411, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class AreaContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin areas under a policy of their own.

    The public site gets ``CONTENT_SECURITY_POLICY`` (strict: our own scripts and styles
    only). Wagtail's, Django's and Oscar's admin screens run inline scripts we do not
    control, so paths under ``CONTENT_SECURITY_POLICY_ADMIN["PATH_PREFIXES"]`` get that
    policy's directives instead, rather than loosening the public one for them. A view's
    ``csp_update``/``csp_replace`` still applies on top of whichever policy is in force.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        admin = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN", None)
        if (
            admin
            and not report_only
            and parts.config is None
            and request.path_info.startswith(tuple(admin["PATH_PREFIXES"]))
        ):
            parts.config = admin["DIRECTIVES"]
        return parts


class LoggedInNoStoreMiddleware:
    """Whatever a logged-in person sees is theirs (a dashboard, a profile, statistics, an
    export): no browser or proxy cache keeps it, unless the view said otherwise. Anonymous
    pages with personal data (an order, an application) say ``no-store`` themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response


class LimitsUnavailableMiddleware:
    """A door whose attempt counters cannot be read (the shared cache is down) refuses: 503
    with a Vietnamese page that says to try again in a few minutes (core.ratelimit)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, LimitsUnavailable):
            response = render(request, "503.html", status=503)
            response["Retry-After"] = "120"
            add_never_cache_headers(response)
            return response
        return None
