"""Every string of ours has a Vietnamese and an English entry (the catalogues are complete)."""

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_catalogue_has_no_untranslated_or_fuzzy_entries(language):
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    untranslated = subprocess.run(["msgattrib", "--untranslated", str(po)], capture_output=True, text=True).stdout
    fuzzy = subprocess.run(["msgattrib", "--only-fuzzy", str(po)], capture_output=True, text=True).stdout
    entries = [line for line in untranslated.splitlines() if line.startswith("msgid ")]
    assert [e for e in entries if e != 'msgid ""'] == []  # at most the header
    assert "msgid" not in fuzzy


def test_english_is_served_after_switching(client, db):
    from django.utils import translation

    with translation.override("en"):
        assert translation.gettext("Giỏ hàng") == "Basket"
        assert translation.gettext("Thêm vào giỏ") != "Thêm vào giỏ"
