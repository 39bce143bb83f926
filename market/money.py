"""Money is whole dong. One formatter for the whole site: ``125.000 ₫``."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def to_dong(value) -> Decimal | None:
    """``value`` as a whole-dong Decimal, or None when it is not a number."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not amount.is_finite():
        return None
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def format_vnd(value) -> str:
    """``125000`` → ``"125.000 ₫"``; dots group thousands, as Vietnamese prices are written."""
    amount = to_dong(value)
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(int(amount)):,} ₫".replace(",", ".")
