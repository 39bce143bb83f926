from django.db.models import Count, F, QuerySet
from django.db.models.functions import TruncDate

from .models import Application, IssuedQR


def live_qrs(*, market_slug: str | None = None) -> QuerySet:
    """Every stall's current (unrevoked) QR, in market and stall-code order."""
    qrs = IssuedQR.objects.filter(revoked_at__isnull=True).select_related("stall__market")
    if market_slug:
        qrs = qrs.filter(stall__market__slug=market_slug)
    return qrs.order_by("stall__market__name", "stall__code")


def agent_applications() -> QuerySet:
    """Applications a field agent sent for a vendor: sent by someone logged in who is not
    the vendor themself (a vendor's own second stall or account change is not an agent's)."""
    return Application.objects.exclude(submitted_by=None).exclude(submitted_by=F("merchant__user"))


def onboarding_by_agent(*, markets: QuerySet, market_slug: str | None = None) -> list[dict]:
    """Applications sent by each field agent in these markets, per day (camp days), newest first."""
    rows = agent_applications().filter(stall__market__in=markets)
    if market_slug:
        rows = rows.filter(stall__market__slug=market_slug)
    return list(
        rows.annotate(day=TruncDate("created_at"))
        .values("submitted_by__username", "submitted_by__first_name", "day")
        .annotate(n=Count("pk"))
        .order_by("-day", "-n")[:60]
    )


def pending_account_changes(*, merchant) -> dict:
    """The vendor's account changes waiting for review, by stall id."""
    rows = Application.objects.filter(
        merchant=merchant, kind=Application.Kind.ACCOUNT_CHANGE, status=Application.Status.SUBMITTED
    )
    return {a.stall_id: a for a in rows}
