from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core.money import format_vnd, group_thousands
from core.text import fold


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (125000, "125.000 ₫"),
        (Decimal("125000.00"), "125.000 ₫"),
        (0, "0 ₫"),
        (999, "999 ₫"),
        (1234567890, "1.234.567.890 ₫"),
        ("50000", "50.000 ₫"),
        (-25000, "-25.000 ₫"),
        (None, ""),
        ("abc", ""),
    ],
)
def test_format_vnd_groups_thousands_with_dots(value, shown):
    assert format_vnd(value) == shown
    assert group_thousands(value) == shown.removesuffix(" ₫")  # what "Nhận tiền" reads aloud


@pytest.mark.parametrize("language", ["vi", "en"])
def test_vnd_filter_and_oscars_own_currency_filter_print_the_same(language):
    """Oscar's babel filter (not a shadow of it) prints dong as we do, in both languages."""
    template = Template("{% load money currency_filters %}{{ p|vnd }}|{{ p|currency:'VND' }}|{{ p|currency }}")
    with translation.override(language):
        for value, shown in [(Decimal("125000.00"), "125.000 ₫"), (0, "0 ₫"), (-1234567, "-1.234.567 ₫")]:
            assert template.render(Context({"p": value})) == f"{shown}|{shown}|{shown}"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Cà phê", "ca phe"),
        ("Miến dong", "mien dong"),
        ("MIẾN ĐÔNG", "mien dong"),
        ("Đặc sản Đà Lạt", "dac san da lat"),
        ("  Chè   Shan tuyết ", "che shan tuyet"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_strips_case_marks_and_d_stroke(text, folded):
    assert fold(text) == folded
