"""The models and the migrations agree (what ``makemigrations --check`` says), checked in-process."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration(capsys):
    call_command("makemigrations", "--check", "--dry-run", verbosity=1)  # exits 1 (SystemExit) if one is missing
    assert "No changes detected" in capsys.readouterr().out
