"""What the reports share: the area and market filters as queries, rates on rows, the periods of a trend."""

import datetime

from django.db.models import Q

from ..forms import Filters
from ..tables import SUPPRESSED, protect_groups, rate

ADOPTION_COUNTS = ("registered", "approved", "qr_live", "placard_printed", "active")


def markets_q(*, filters: Filters, prefix: str = "market__") -> Q:
    q = filters.area.q(prefix)
    if filters.market:
        q &= Q(**{f"{prefix}pk": filters.market.pk})
    return q


def cooperatives_q(*, filters: Filters, prefix: str = "cooperative__") -> Q:
    q = filters.area.q(prefix)
    if filters.cooperative:
        q &= Q(**{f"{prefix}pk": filters.cooperative.pk})
    return q


def with_rates(rows: list[dict], *groupings) -> list[dict]:
    protect_groups(rows, ADOPTION_COUNTS, [*groupings, lambda r: None])
    for row in rows:
        row["rate"] = rate(row["qr_live"], row["declared"])
    return rows


def hide_with_n(row: dict, key: str) -> dict:
    """A hidden count of applications hides the count beside it too: “2 days” next to “< 3”
    applications would give it away."""
    if row["n"] is SUPPRESSED:
        row[key] = SUPPRESSED
    return row


def period_ends(*, filters: Filters) -> list[datetime.date]:
    """The last day of each week (Sunday) or month in the period; the period's last day closes it."""
    ends, day = [], filters.first
    while day <= filters.last:
        if filters.grain == "month":
            next_month = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
            end = next_month - datetime.timedelta(days=1)
        else:
            end = day + datetime.timedelta(days=6 - day.weekday())
        ends.append(min(end, filters.last))
        day = end + datetime.timedelta(days=1)
    return ends
