from django.db.models import QuerySet

from .models import IssuedQR


def live_qrs(*, market_slug: str | None = None) -> QuerySet:
    """Every stall's current (unrevoked) QR, in market and stall-code order."""
    qrs = IssuedQR.objects.filter(revoked_at__isnull=True).select_related("stall__market")
    if market_slug:
        qrs = qrs.filter(stall__market__slug=market_slug)
    return qrs.order_by("stall__market__name", "stall__code")
