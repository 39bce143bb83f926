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
    f = filters
    snapshot = snapshot_day(f)
    facts = adoption_facts(f, snapshot)
    target = province_target(f)
    agents, camp_days = onboarding_by_agent(f)
    methods, cashless_share = payment_mix(f)
    markets = adoption_by_market(facts)
    return {
        "markets": markets,
        "activity": market_activity(f, facts),
        "communes": adoption_by_commune(facts),
        "provinces": adoption_by_province(facts),
        "trend": adoption_trend(f, target, snapshot),
        "target": target,
        "snapshot": snapshot,
        "agents": agents,
        "camp_days": camp_days,
        "cooperatives": cooperative_volume(f),
        "daily": orders_per_day(f),
        "methods": methods,
        "ocop": ocop_products(f),
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
    f = filters
    builders = {
        "markets": lambda: adoption_by_market(adoption_facts(f, snapshot_day(f))),
        "communes": lambda: adoption_by_commune(adoption_facts(f, snapshot_day(f))),
        "activity": lambda: market_activity(f, adoption_facts(f, snapshot_day(f))),
        "provinces": lambda: adoption_by_province(adoption_facts(f, snapshot_day(f))),
        "trend": lambda: adoption_trend(f, province_target(f), snapshot_day(f)),
        "agents": lambda: onboarding_by_agent(f)[0],
        "camp_days": lambda: onboarding_by_agent(f)[1],
        "cooperatives": lambda: cooperative_volume(f),
        "daily": lambda: orders_per_day(f),
        "methods": lambda: payment_mix(f)[0],
        "ocop": lambda: ocop_products(f),
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
