import datetime
from decimal import Decimal

from django.utils import translation

from core.areas import Area
from market.stats.charts import bars, line
from market.stats.forms import Filters
from market.stats.reports import period_ends
from market.stats.tables import SUPPRESSED, Column, Table, rate, vendors


def test_fewer_than_three_vendors_are_suppressed_and_zero_is_shown():
    assert [vendors(n) for n in (0, 1, 2, 3, 40)] == [0, SUPPRESSED, SUPPRESSED, 3, 40]
    assert str(SUPPRESSED) == "< 3"


def test_rate_is_one_decimal_and_follows_its_numerator():
    assert rate(1, 3) == Decimal("33.3")
    assert rate(SUPPRESSED, 10) is SUPPRESSED
    assert rate(5, 0) is None


def test_weeks_end_on_sunday_and_months_on_their_last_day_and_the_period_closes_the_last():
    f = Filters(first=datetime.date(2026, 1, 28), last=datetime.date(2026, 3, 4), area=Area())
    assert period_ends(filters=f)[:2] == [datetime.date(2026, 2, 1), datetime.date(2026, 2, 8)]
    assert period_ends(filters=f)[-1] == datetime.date(2026, 3, 4)
    months = Filters(first=f.first, last=f.last, area=Area(), grain="month")
    assert period_ends(filters=months) == [
        datetime.date(2026, 1, 31),
        datetime.date(2026, 2, 28),
        datetime.date(2026, 3, 4),
    ]


def test_the_before_after_split_defaults_to_the_middle_of_the_period():
    f = Filters(first=datetime.date(2026, 11, 1), last=datetime.date(2026, 11, 30), area=Area(14, 3646))
    assert f.split == datetime.date(2026, 11, 16) and f.days == 30
    assert f.slug() == "20261101-20261130_tinh14_xa3646"


def test_bar_chart_draws_a_bar_per_row_escapes_names_and_writes_suppressed_cells_as_text():
    table = Table(
        "t",
        "Tỷ lệ",
        [Column("label", "Chợ", "text"), Column("rate", "%", "percent")],
        [{"label": "Chợ <b>A</b>", "rate": Decimal("40.0")}, {"label": "Chợ B", "rate": SUPPRESSED}],
    )
    with translation.override("vi"):
        svg = bars(table, "rate", maximum=100, target=80)
    assert svg.count("<rect") == 1 and "&lt;b&gt;" in svg and "&lt; 3" in svg and 'class="target"' in svg
    assert bars(Table("t", "x", [], []), "rate") == ""


def test_line_chart_has_a_point_per_day_and_the_target_line():
    rows = [{"label": datetime.date(2026, 11, d), "rate": Decimal(d), "target": 80} for d in range(1, 11)]
    with translation.override("vi"):
        svg = line(Table("t", "x", [], rows), "rate", target="target", percent=True)
    assert svg.count("<circle") == 10 and "Mục tiêu 80%" in svg and "01/11" in svg


def test_secondary_suppression_hides_the_next_smallest_cell_of_a_group_with_one_hidden_cell():
    from market.stats.tables import protect_groups

    rows = [
        {"label": "A", "c": 1, "n": vendors(2)},
        {"label": "B", "c": 1, "n": 4},
        {"label": "C", "c": 1, "n": 9},
        {"label": "D", "c": 2, "n": 5},
    ]
    protect_groups(rows, ["n"], [lambda r: r["c"], lambda r: None])
    assert [r["n"] for r in rows] == [SUPPRESSED, SUPPRESSED, 9, 5]
    # A group whose only non-zero cell is the hidden one needs nothing more: its total is hidden too.
    alone = [{"c": 1, "n": SUPPRESSED}, {"c": 1, "n": 0}]
    protect_groups(alone, ["n"], [lambda r: r["c"]])
    assert [r["n"] for r in alone] == [SUPPRESSED, 0]
