"""Onboarding per field agent and camp day."""

from collections import defaultdict

from django.db.models import Sum
from django.utils.translation import gettext as _

from ..forms import Filters
from ..models import AgentDailyOnboarding
from ..tables import Column, Table, protect_groups, vendors
from .common import hide_with_n, markets_q


def onboarding_by_agent(*, filters: Filters) -> tuple[Table, Table]:
    """Applications sent by each field agent, and per camp day (one query)."""
    rows = list(
        AgentDailyOnboarding.objects.filter(markets_q(filters=filters), day__gte=filters.first, day__lte=filters.last)
        .values("day", "agent_id", "agent__first_name", "agent__last_name", "agent__username")
        .annotate(n=Sum("applications"))
        .order_by("-day", "agent__username")
    )
    per_agent: dict = defaultdict(lambda: {"n": 0, "days": set()})
    per_day: dict = defaultdict(lambda: {"n": 0, "agents": set()})
    for r in rows:
        name = f"{r['agent__last_name']} {r['agent__first_name']}".strip() or r["agent__username"]
        per_agent[name]["n"] += r["n"]
        per_agent[name]["days"].add(r["day"])
        per_day[r["day"]]["n"] += r["n"]
        per_day[r["day"]]["agents"].add(r["agent_id"])
    agent_rows = [{"label": k, "days": len(v["days"]), "n": vendors(v["n"])} for k, v in sorted(per_agent.items())]
    day_rows = [{"label": k, "agents": len(v["agents"]), "n": vendors(v["n"])} for k, v in sorted(per_day.items())]
    # The two tables break down one total: a lone hidden cell in either could be subtracted out.
    for rows in (agent_rows, day_rows):
        protect_groups(rows, ["n"], [lambda r: None])
        for row in rows:
            hide_with_n(row, "days" if "days" in row else "agents")
    agents = Table(
        "agents",
        _("Hồ sơ do tổ công nghệ số đăng ký hộ, theo người"),
        [Column("label", _("Người đăng ký hộ"), "text"), Column("days", _("Số ngày")), Column("n", _("Số hồ sơ"))],
        agent_rows,
    )
    days = Table(
        "camp_days",
        _("Hồ sơ đăng ký hộ theo ngày (ngày ra quân)"),
        [Column("label", _("Ngày"), "date"), Column("agents", _("Số người")), Column("n", _("Số hồ sơ"))],
        day_rows,
    )
    return agents, days
