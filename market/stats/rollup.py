"""Rebuild the per-market daily facts from the raw records.

A day is an Asia/Ho_Chi_Minh day. Every market gets a row for every rebuilt day, so the
state at the end of any period is one row per market. Each rebuild deletes and re-inserts
the day's rows for the markets concerned, under a lock on those markets, from a fixed
number of grouped queries (not one per market): rebuilding twice gives identical rows.
"""

import datetime

from django.db import transaction
from django.db.models import Count, Q, Sum

from merchants.models import Application, IssuedQR, Market, PlacardPrint, StallPayment
from merchants.selectors import agent_applications
from payments.volume import cooperative_volume_rebuild, local_day_bounds

from .models import AgentDailyOnboarding, MarketDailyFacts

ACTIVE_WINDOW = datetime.timedelta(days=30)
APPROVED = [Application.Status.APPROVED, Application.Status.QR_ISSUED, Application.Status.PLACARD_PRINTED]


def _by_market(queryset, market_field: str, **aggregates) -> dict[int, dict]:
    return {row[market_field]: row for row in queryset.values(market_field).annotate(**aggregates).order_by()}


def market_facts_rebuild(*, day: datetime.date, market_ids: list[int] | None = None) -> int:
    """Recompute ``day`` for these markets (all when None). Returns the number of rows written."""
    start, end = local_day_bounds(day)
    with transaction.atomic():
        if market_ids is not None and not MarketDailyFacts.objects.filter(day=day).exists():
            # The first rebuild of a day covers every market, so that a day's rows are
            # either all there or not yet there (the dashboard falls back a day then).
            market_ids = None
        markets = Market.objects.select_for_update().order_by("pk")
        if market_ids is not None:
            markets = markets.filter(pk__in=market_ids)
        asked = list(markets.values_list("pk", "created_at"))
        # A market added later has no row for the days before it existed.
        ids = [pk for pk, created in asked if created < end]
        in_markets = {"stall__market_id__in": ids}

        registered = _by_market(
            Application.objects.filter(created_at__lt=end, **in_markets),
            "stall__market_id",
            n=Count("stall_id", distinct=True),
        )
        approved = _by_market(
            Application.objects.filter(reviewed_at__lt=end, status__in=APPROVED, **in_markets),
            "stall__market_id",
            n=Count("stall_id", distinct=True),
        )
        live_at_end = Q(issued_at__lt=end) & (Q(revoked_at__isnull=True) | Q(revoked_at__gte=end))
        qr_live = _by_market(
            IssuedQR.objects.filter(live_at_end, **in_markets), "stall__market_id", n=Count("stall_id", distinct=True)
        )
        printed = _by_market(
            PlacardPrint.objects.filter(
                Q(printed_at__lt=end, qr__issued_at__lt=end)
                & (Q(qr__revoked_at__isnull=True) | Q(qr__revoked_at__gte=end)),
                qr__stall__market_id__in=ids,
            ),
            "qr__stall__market_id",
            n=Count("qr__stall_id", distinct=True),
        )
        active = _by_market(
            StallPayment.objects.filter(received_at__gte=end - ACTIVE_WINDOW, received_at__lt=end, **in_markets),
            "stall__market_id",
            n=Count("stall_id", distinct=True),
        )
        onboarded = _by_market(
            Application.objects.filter(created_at__gte=start, created_at__lt=end, **in_markets),
            "stall__market_id",
            n=Count("pk"),
        )
        payments = _by_market(
            StallPayment.objects.filter(received_at__gte=start, received_at__lt=end, **in_markets),
            "stall__market_id",
            n=Count("pk"),
            amount=Sum("amount"),
        )
        agents = (
            agent_applications()
            .filter(created_at__gte=start, created_at__lt=end, **in_markets)
            .values("stall__market_id", "submitted_by_id")
            .annotate(n=Count("pk"))
            .order_by()
        )

        def n(table, market_id):
            return table.get(market_id, {}).get("n", 0)

        rows = [
            MarketDailyFacts(
                market_id=m,
                day=day,
                registered=n(registered, m),
                approved=n(approved, m),
                qr_live=n(qr_live, m),
                placard_printed=n(printed, m),
                active=n(active, m),
                onboarded=n(onboarded, m),
                payments=n(payments, m),
                payments_amount=payments.get(m, {}).get("amount") or 0,
            )
            for m in ids
        ]
        everyone = [pk for pk, _created in asked]
        MarketDailyFacts.objects.filter(day=day, market_id__in=everyone).delete()
        MarketDailyFacts.objects.bulk_create(rows)
        AgentDailyOnboarding.objects.filter(day=day, market_id__in=everyone).delete()
        AgentDailyOnboarding.objects.bulk_create(
            AgentDailyOnboarding(
                market_id=a["stall__market_id"], agent_id=a["submitted_by_id"], day=day, applications=a["n"]
            )
            for a in agents
        )
        return len(rows)


def statistics_rebuild(
    first: datetime.date,
    last: datetime.date,
    *,
    market_ids: list[int] | None = None,
    cooperative_ids: list[int] | None = None,
) -> tuple[int, int]:
    """Rebuild both rollups, per-market facts and the per-cooperative order record, for every
    local day from ``first`` to ``last`` (None: every market or cooperative; []: none).
    Returns the rows written (markets, cooperatives)."""
    markets = cooperatives = 0
    for day in days_between(first, last):
        if market_ids is None or market_ids:
            markets += market_facts_rebuild(day=day, market_ids=market_ids)
        if cooperative_ids is None or cooperative_ids:
            cooperatives += cooperative_volume_rebuild(day=day, cooperative_ids=cooperative_ids)
    return markets, cooperatives


def days_between(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)
