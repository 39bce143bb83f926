"""Vietnamese text folding, shared by search, slugs, sort order and the VietQR codec.

``fold("Miến Đông")`` is ``"mien dong"``. NFD decomposition strips the tone and vowel
marks, but Đ/đ is a letter of its own, not D plus a mark, so it is mapped explicitly.
"""

import unicodedata

from django.utils.text import slugify

_D_MAP = str.maketrans({"Đ": "D", "đ": "d"})


def strip_diacritics(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str | None) -> str:
    if not text:
        return ""
    return " ".join(strip_diacritics(text).lower().split())


def slugify_vi(value, allow_unicode=False) -> str:
    """``OSCAR_SLUG_FUNCTION``: "Cà phê Culi đặc biệt" → "ca-phe-culi-dac-biet" (not "u0111ac")."""
    return slugify(strip_diacritics(str(value)))
