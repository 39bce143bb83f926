"""An organiser's markets and streets."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.text import slugify_vi

from ..hooks import market_changed
from ..models import Market, Stall


def market_save(*, market: Market) -> Market:
    """Save an organiser's market or street; a new one gets a readable slug, unique among markets."""
    if not market.slug:
        base = (slugify_vi(market.name) or "cho")[:70].strip("-")
        slug, n = base, 1
        while Market.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        market.slug = slug
    market.full_clean()
    if market.pk:
        issued = Stall.objects.filter(market=market, qrs__revoked_at__isnull=True, qrs__isnull=False).distinct().count()
        if market.declared_stalls < issued:
            raise ValidationError(
                {
                    "declared_stalls": _(
                        "Chợ đã có %(n)s sạp được cấp mã QR; tổng số sạp khai báo không thể nhỏ hơn số đó."
                    )
                    % {"n": issued}
                }
            )
    created = market.pk is None
    market.save()
    if created:  # its rows start today; an edit changes nothing the rollup stores
        market_changed(market.pk)
    return market
