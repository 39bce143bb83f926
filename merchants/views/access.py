"""Who may see and do what on the cashless street's screens; one place for the rules.

- a browser session that sent an application, or found it with reference + phone, sees its
  **status** only: never the account, the placard, the money, nor a way to set a password;
- the vendor logged in, the field agent who sent it, and the organisers of its area see the
  application and print the placard; the money page is the vendor's and the organisers';
- a password is set only with the one-time code from the approval slip or SMS.
Pages with personal data are never stored by a browser or proxy cache (``no_store``).
``SECURITY.md`` has the whole model.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.phones import e164, parse_vn_phone
from merchants.areas import area_of

from ..models import Application, IssuedQR, Market, Merchant

no_store = method_decorator(never_cache, name="dispatch")


def is_agent(user) -> bool:
    return user.is_authenticated and user.has_perm("merchants.onboard_vendors")


def organiser_markets(user):
    """The markets an organiser answers for: their commune's or province's (all for admins)."""
    area = area_of(user)
    return area.filter(Market.objects.all()) if area else Market.objects.none()


def typed_phone(raw: str) -> str:
    """A limit key for a phone as typed: E.164 when it parses, else its digits."""
    try:
        return e164(parse_vn_phone(raw, mobile_only=True))
    except ValidationError:
        return "".join(ch for ch in raw if ch.isdigit())


def may_act_for(request, application: Application) -> bool:
    """The vendor logged in, the field agent who sent the application, and the organisers of
    its area: who may see the application, print its placard (not: a session grant)."""
    user = request.user
    return user.is_authenticated and (
        organiser_of(user, application)
        or application.submitted_by_id == user.pk
        or Merchant.objects.filter(user=user, pk=application.merchant_id).exists()
    )


def organiser_of(user, application: Application) -> bool:
    return (
        user.is_authenticated
        and user.has_perm("merchants.review_application")
        and organiser_markets(user).filter(pk=application.stall.market_id).exists()
    )


def forbidden():
    return PermissionDenied(_("Chỉ tiểu thương, người đăng ký hộ hoặc cán bộ được giao mới mở được trang này."))


def stall_qr_for(request, pk, *, money: bool = False) -> IssuedQR:
    """A stall's QR, for who may act for its application (the vendor, the agent who sent it,
    the area's organisers). The money page is the vendor's and the organisers' only."""
    qr = get_object_or_404(IssuedQR.objects.select_related("stall__market", "application"), pk=pk)
    application = qr.application
    user = request.user
    if money:
        allowed = user.is_authenticated and (
            Merchant.objects.filter(user=user, pk=application.merchant_id).exists() or organiser_of(user, application)
        )
    else:
        allowed = may_act_for(request, application)
    if not allowed:
        raise forbidden()
    return qr
