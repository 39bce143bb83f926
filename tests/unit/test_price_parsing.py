from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.money import parse_dong


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("125000", 125000),
        ("125.000", 125000),
        ("1.250.000", 1250000),
        ("125 000 ₫", 125000),
        ("0", 0),
        ("85000đ", 85000),
    ],
)
def test_prices_typed_the_vietnamese_way_are_whole_dong(typed, amount):
    assert parse_dong(typed) == Decimal(amount)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "Giá bán không được là số âm."),
        ("125000.5", "Giá bán tính bằng đồng, không có phần lẻ (ví dụ 125000)."),
        ("12,5", "Giá bán tính bằng đồng, không có phần lẻ (ví dụ 125000)."),
        ("abc", "Giá bán phải là một số, ví dụ 125000."),
        ("NaN", "Giá bán phải là một số, ví dụ 125000."),
        ("", "Hãy nhập giá bán."),
    ],
)
def test_bad_prices_get_a_vietnamese_message(typed, message):
    with pytest.raises(ValidationError) as err:
        parse_dong(typed)
    assert err.value.messages == [message]
