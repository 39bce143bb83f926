"""The NAPAS bank list, keyed on the 6-digit BIN (never the short code: codes collide).

``data/napas_banks.json`` is the project's copy of the SBV 2023 list merged with the
vietqr.io list; entries where the sources disagree carry a ``note``.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "napas_banks.json"


@dataclass(frozen=True)
class Bank:
    bin: str
    code: str
    short_name: str
    name: str


@cache
def banks_by_bin() -> dict[str, Bank]:
    rows = json.loads(DATA.read_text(encoding="utf-8"))
    return {row["bin"]: Bank(row["bin"], row["code"], row["short_name"], row["name"]) for row in rows}


def bank_for_bin(bin_code: str) -> Bank | None:
    return banks_by_bin().get(bin_code)


def bank_choices() -> list[tuple[str, str]]:
    """(BIN, "Vietcombank – Ngân hàng TMCP Ngoại Thương Việt Nam"), sorted by short name."""
    return sorted(((b.bin, f"{b.short_name} – {b.name}") for b in banks_by_bin().values()), key=lambda c: c[1].lower())
