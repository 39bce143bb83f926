"""A statistics table: one shape for the page, the CSV and the XLSX, with the privacy rule
applied once, where the cells are made."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

MIN_VENDORS = 3  # no figure an organiser sees may describe fewer than 3 vendors


class Suppressed:
    """A cell hidden because it describes fewer than ``MIN_VENDORS`` vendors."""

    def __str__(self):
        return f"< {MIN_VENDORS}"

    def __eq__(self, other):
        return isinstance(other, Suppressed)

    def __hash__(self):
        return 0


SUPPRESSED = Suppressed()
SUPPRESSION_NOTE = _(
    "“< 3”: ô mô tả ít hơn 3 tiểu thương nên được ẩn để bảo vệ dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP)."
)


def vendors(count: int):
    """A count of vendors (stalls, applications): shown from 3 up, and 0 is shown as 0."""
    return SUPPRESSED if 0 < count < MIN_VENDORS else count


def rate(part, whole: int):
    """A percentage with one decimal, or suppressed with its numerator, or None without a base."""
    if part is SUPPRESSED:
        return SUPPRESSED
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


def protect_groups(rows: list[dict], keys, groupings) -> None:
    """Secondary suppression. The rows of a group (the markets of one commune, of one
    province, of the whole view) add up to a total shown elsewhere, so one hidden cell in a
    group could be worked out by subtraction. In each group and column with exactly one
    hidden cell, the smallest other non-zero cell is hidden too; repeated over every
    grouping until nothing changes."""
    changed = True
    while changed:
        changed = False
        for group in groupings:
            members_of = defaultdict(list)
            for row in rows:
                members_of[group(row)].append(row)
            for members in members_of.values():
                for key in keys:
                    if sum(1 for r in members if r.get(key) is SUPPRESSED) != 1:
                        continue
                    shown = [r for r in members if isinstance(r.get(key), int) and r[key] > 0]
                    if shown:
                        min(shown, key=lambda r: r[key])[key] = SUPPRESSED
                        changed = True


@dataclass
class Column:
    key: str
    label: str
    kind: str = "int"  # int, money, percent, text, date


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    note: str = ""

    @property
    def has_suppressed(self) -> bool:
        return any(row.get(c.key) is SUPPRESSED for row in self.rows for c in self.columns)

    def cells(self):
        """Rows as lists of (value, column) pairs, in column order, for templates."""
        for row in self.rows:
            yield [(row.get(c.key), c) for c in self.columns]
