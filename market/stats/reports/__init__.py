"""The statistics an organiser reads, each from the rollup tables in a fixed number of
queries whatever the size of the province (``make bench`` and a query-count test hold
this). Every function returns a ``Table``; the privacy rule is applied here. One module per
subject: ``adoption``, ``onboarding``, ``orders``; ``common`` holds what they share."""

from ..forms import Filters
from ..tables import Table, rate, vendors
from .adoption import (
    adoption_by_commune,
    adoption_by_market,
    adoption_by_province,
    adoption_facts,
    adoption_trend,
    market_activity,
    province_target,
    snapshot_day,
)
from .common import period_ends
from .onboarding import onboarding_by_agent
from .orders import cooperative_volume, ocop_products, orders_per_day, payment_mix


def dashboard(*, filters: Filters) -> dict:
    """Everything the dashboard shows, as tables (and the cashless share)."""
    snapshot = snapshot_day(filters=filters)
    facts = adoption_facts(filters=filters, day=snapshot)
    target = province_target(filters=filters)
    agents, camp_days = onboarding_by_agent(filters=filters)
    methods, cashless_share = payment_mix(filters=filters)
    markets = adoption_by_market(facts=facts)
    return {
        "markets": markets,
        "activity": market_activity(filters=filters, facts=facts),
        "communes": adoption_by_commune(facts=facts),
        "provinces": adoption_by_province(facts=facts),
        "trend": adoption_trend(filters=filters, target=target, snapshot=snapshot),
        "target": target,
        "snapshot": snapshot,
        "agents": agents,
        "camp_days": camp_days,
        "cooperatives": cooperative_volume(filters=filters),
        "daily": orders_per_day(filters=filters),
        "methods": methods,
        "ocop": ocop_products(filters=filters),
        "cashless_share": cashless_share,
        "headline": _headline(facts),
    }


def _headline(facts) -> dict:
    declared = sum(f.market.declared_stalls for f in facts)
    qr_live = vendors(sum(f.qr_live for f in facts))
    return {
        "markets": len(facts),
        "declared": declared,
        "qr_live": qr_live,
        "rate": rate(qr_live, declared),
        "active": vendors(sum(f.active for f in facts)),
    }


TABLE_KEYS = (
    "markets",
    "activity",
    "communes",
    "provinces",
    "trend",
    "agents",
    "camp_days",
    "cooperatives",
    "daily",
    "methods",
    "ocop",
)


def table(*, key: str, filters: Filters) -> Table | None:
    """One table by its key (for exports), or None for an unknown key."""

    def facts():
        return adoption_facts(filters=filters, day=snapshot_day(filters=filters))

    builders = {
        "markets": lambda: adoption_by_market(facts=facts()),
        "communes": lambda: adoption_by_commune(facts=facts()),
        "activity": lambda: market_activity(filters=filters, facts=facts()),
        "provinces": lambda: adoption_by_province(facts=facts()),
        "trend": lambda: adoption_trend(
            filters=filters, target=province_target(filters=filters), snapshot=snapshot_day(filters=filters)
        ),
        "agents": lambda: onboarding_by_agent(filters=filters)[0],
        "camp_days": lambda: onboarding_by_agent(filters=filters)[1],
        "cooperatives": lambda: cooperative_volume(filters=filters),
        "daily": lambda: orders_per_day(filters=filters),
        "methods": lambda: payment_mix(filters=filters)[0],
        "ocop": lambda: ocop_products(filters=filters),
    }
    return builders[key]() if key in builders else None


__all__ = [
    "TABLE_KEYS",
    "adoption_by_commune",
    "adoption_by_market",
    "adoption_by_province",
    "adoption_facts",
    "adoption_trend",
    "cooperative_volume",
    "dashboard",
    "market_activity",
    "ocop_products",
    "onboarding_by_agent",
    "orders_per_day",
    "payment_mix",
    "period_ends",
    "province_target",
    "snapshot_day",
    "table",
]
