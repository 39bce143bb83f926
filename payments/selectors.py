from django.db.models import Prefetch, QuerySet
from oscar.core.loading import get_model

from market.phones import e164, parse_vn_phone

from .models import BankTransaction, StripeEvent

Order = get_model("order", "Order")
Line = get_model("order", "Line")


def order_detail_queryset() -> QuerySet:
    return Order.objects.select_related("shipping_address", "user").prefetch_related(
        Prefetch("lines", queryset=Line.objects.select_related("partner__cooperative", "product").order_by("pk")),
        "sources__source_type",
    )


def order_find_by_phone(*, number: str, phone: str):
    """The order with this number placed with this phone, or None. Raises ValidationError for a malformed phone."""
    normalised = e164(parse_vn_phone(phone, mobile_only=False))
    return order_detail_queryset().filter(number=number.strip(), shipping_address__phone_number=normalised).first()


def order_lines_by_cooperative(order) -> list[tuple[object, list]]:
    groups: dict[int, tuple[object, list]] = {}
    for line in order.lines.all():
        cooperative = getattr(line.partner, "cooperative", None) if line.partner else None
        key = line.partner_id or 0
        groups.setdefault(key, (cooperative, []))[1].append(line)
    return list(groups.values())


def stripe_events_needing_review() -> QuerySet:
    return StripeEvent.objects.filter(needs_review=True).select_related("order")


def bank_transactions_for_staff(*, outcome: str | None) -> QuerySet:
    rows = BankTransaction.objects.select_related("order")
    return rows.filter(outcome=outcome) if outcome else rows
