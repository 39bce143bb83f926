import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from core.phones import e164, parse_vn_phone
from core.urls import absolute_url

from .bank_feeds import FEEDS
from .models import BankFeedStatus, BankTransaction, StripeEvent

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


# --- bank feeds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedHealth:
    """One provider's feed as staff see it; ``state`` is what a health check reports.

    ``missed`` are transfers into an account that the pull found and the provider's webhook
    never delivered (once its retries are over), counting only those that named an order or
    a stall: a sign the webhook is broken or misconfigured. (A webhook set to skip transfers
    without a payment code, or money out, rightly leaves the others to the pull.)
    """

    name: str
    label: str
    webhook_url: str  # to give the provider: absolute, from SITE_URL
    schemes: dict[str, bool]
    can_pull: bool
    status: BankFeedStatus
    missed_count: int
    missed: list
    silent_hours: float

    @property
    def configured(self) -> bool:
        return any(self.schemes.values())

    @property
    def silent(self) -> bool:
        """Configured, and no delivery for longer than ``BANK_FEED_SILENT_HOURS`` (or ever)."""
        last = self.status.last_webhook_at
        return self.configured and (last is None or timezone.now() - last > datetime.timedelta(hours=self.silent_hours))

    @property
    def pull_failing(self) -> bool:
        return (
            self.can_pull
            and self.status.last_pull_at is not None
            and self.status.last_pull_ok_at != self.status.last_pull_at
        )

    @property
    def state(self) -> str:
        """ "unconfigured", "degraded" (silent, missed transfers, or a failing pull) or "ok"."""
        if not self.configured and not self.can_pull:
            return "unconfigured"
        return "degraded" if self.silent or self.missed_count or self.pull_failing else "ok"


def feed_health() -> list[FeedHealth]:
    statuses = {row.provider: row for row in BankFeedStatus.objects.filter(provider__in=FEEDS)}
    grace = timezone.now() - datetime.timedelta(minutes=settings.BANK_FEED_WEBHOOK_GRACE_MINUTES)
    since = timezone.now() - datetime.timedelta(days=7)
    report = []
    for name, feed in FEEDS.items():
        missed = (
            BankTransaction.objects.filter(
                provider=name,
                channel=BankTransaction.Channel.PULL,
                webhook_at__isnull=True,
                received_at__gte=since,
                received_at__lt=grace,
                amount__gt=0,
            )
            .exclude(outcome=BankTransaction.Outcome.UNMATCHED)
            .order_by("-received_at")
        )
        report.append(
            FeedHealth(
                name=name,
                label=feed.label,
                webhook_url=absolute_url(reverse("payments:bank-webhook", kwargs={"provider": name})),
                schemes=feed.schemes(),
                can_pull=feed.can_pull(),
                status=statuses.get(name) or BankFeedStatus(provider=name),
                missed_count=missed.count(),
                missed=list(missed[:10]),
                silent_hours=settings.BANK_FEED_SILENT_HOURS,
            )
        )
    return report
