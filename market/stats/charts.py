"""Server-rendered SVG charts: no script, no third-party asset, readable when printed.

Each chart is a few hundred bytes of markup drawn from the same ``Table`` as the table
beside it. The SVG has a ``<title>`` and scales to its box (``viewBox``); colours come
from the page's CSS (``.chart .bar`` and so on), so print styles apply.
"""

import datetime
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .tables import Suppressed, Table

WIDTH = 320  # user units: about a phone's width, so 12-unit text reads as 12 px there
ROW = 34


def _num(value) -> float | None:
    if value is None or isinstance(value, Suppressed):
        return None
    return float(value)


def _fmt(value) -> str:
    """A figure as the page's language writes it (1.234 / 45,6 in Vietnamese)."""
    if value is None:
        return "—"
    if isinstance(value, Suppressed):
        return str(value)
    if isinstance(value, Decimal):
        return number_format(value, 1, use_l10n=True, force_grouping=True)
    return number_format(value, use_l10n=True, force_grouping=True)


def bars(
    table: Table, value: str, *, label: str = "label", maximum: float | None = None, target=None, unit: str = ""
) -> SafeString:
    """Horizontal bars, one per row (the row's name above its bar, so long Vietnamese names
    fit a phone), with an optional dashed target line."""
    rows = table.rows[:40]
    if not rows:
        return SafeString("")
    numbers = [_num(r.get(value)) for r in rows]
    top = maximum or max([n for n in numbers if n is not None] + [_num(target) or 0, 1])
    plot = WIDTH - 56
    height = ROW * len(rows) + 4
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(table.title)}</title>",
    ]
    for index, (row, number) in enumerate(zip(rows, numbers, strict=True)):
        y = index * ROW
        value_of_label = row.get(label)
        text = value_of_label.strftime("%d/%m/%Y") if isinstance(value_of_label, datetime.date) else str(value_of_label)
        name = escape(text if len(text) <= 44 else text[:43] + "…")
        parts.append(f'<text x="0" y="{y + 13}">{name}</text>')
        shown = escape(_fmt(row.get(value)) + (unit if number is not None else ""))
        if number is None:
            parts.append(f'<text x="0" y="{y + 29}" class="muted">{shown}</text>')
            continue
        width = max(plot * number / top, 1 if number else 0)
        parts.append(f'<rect class="bar" x="0" y="{y + 18}" width="{width:.1f}" height="12"/>')
        parts.append(f'<text x="{width + 4:.1f}" y="{y + 29}">{shown}</text>')
    if target:
        x = plot * float(target) / top
        parts.append(f'<line class="target" x1="{x:.1f}" x2="{x:.1f}" y1="16" y2="{height}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line(table: Table, value: str, *, target: str | None = None, percent: bool = False) -> SafeString:
    """A line over time (the first column holds dates), with an optional target column."""
    rows = table.rows
    if not rows:
        return SafeString("")
    height, left, bottom, top_pad = 180, 36, 22, 14
    plot_w, plot_h = WIDTH - left - 10, height - bottom - top_pad
    numbers = [_num(r.get(value)) for r in rows]
    goal = _num(rows[0].get(target)) if target else None
    top = 100.0 if percent else max([n for n in numbers if n is not None] + [goal or 0, 1])
    step = plot_w / max(len(rows) - 1, 1)

    def xy(i, n):
        return left + i * step, top_pad + plot_h - plot_h * n / top

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(table.title)}</title>",
        f'<line class="axis" x1="{left}" x2="{WIDTH - 10}" y1="{top_pad + plot_h}" y2="{top_pad + plot_h}"/>',
        f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end">{escape(_fmt(int(top)))}</text>',
        f'<text x="{left - 6}" y="{top_pad + plot_h}" text-anchor="end">0</text>',
    ]
    points = [xy(i, n) for i, n in enumerate(numbers) if n is not None]
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline class="series" points="{path}"/>')
        if len(points) <= 40:
            parts.extend(f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="3"/>' for x, y in points)
    if goal:
        y = xy(0, goal)[1]
        parts.append(f'<line class="target" x1="{left}" x2="{WIDTH - 10}" y1="{y:.1f}" y2="{y:.1f}"/>')
        label = escape(_("Mục tiêu %(n)s%%") % {"n": int(goal)})
        parts.append(f'<text x="{WIDTH - 12}" y="{y - 4:.1f}" text-anchor="end">{label}</text>')
    # About five dates under the axis, never two on top of each other.
    every = max(len(rows) // 5, 1)
    ticks = [i for i in range(0, len(rows), every) if len(rows) - 1 - i >= every * 0.6] + [len(rows) - 1]
    for i in ticks:
        if i < len(rows):
            day = rows[i].get("label")
            text = day.strftime("%d/%m") if isinstance(day, datetime.date) else str(day)
            anchor = "start" if i == 0 else "end" if i == len(rows) - 1 else "middle"
            parts.append(
                f'<text x="{left + i * step:.1f}" y="{height - 8}" text-anchor="{anchor}">{escape(text)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))
