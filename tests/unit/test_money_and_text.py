from decimal import Decimal

import pytest
from django.template import Context, Template

from core.money import format_vnd
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


def test_vnd_filter_and_oscars_currency_filter_print_the_same():
    rendered = Template("{% load money currency_filters %}{{ p|vnd }}|{{ p|currency:'VND' }}|{{ p|currency }}").render(
        Context({"p": Decimal("125000.00")})
    )
    assert rendered == "125.000 ₫|125.000 ₫|125.000 ₫"


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
