"""The NAPAS bank list for forms: choices by short name. The list itself (data/napas_banks.json,
keyed on the 6-digit BIN) is read by the VietQR codec, which needs it and imports nothing of ours."""

from .vietqr import Bank, bank_for_bin, banks_by_bin

__all__ = ["Bank", "bank_choices", "bank_for_bin", "banks_by_bin"]


def bank_choices() -> list[tuple[str, str]]:
    """(BIN, "Vietcombank – Ngân hàng TMCP Ngoại Thương Việt Nam"), sorted by short name."""
    return sorted(((b.bin, f"{b.short_name} – {b.name}") for b in banks_by_bin().values()), key=lambda c: c[1].lower())
