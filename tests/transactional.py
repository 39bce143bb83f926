"""For the test directories whose tests commit (browser and concurrency tests).

Their conftest adds an autouse fixture that requests ``drop_reused_db_at_end``; being
session-scoped, it runs its teardown once however many directories ask for it.
"""

import os
import sqlite3

import pytest


def _sqlite_copy(source: str, target: str) -> None:
    """A consistent copy of a SQLite database file (the backup API, not a file copy)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


@pytest.fixture(scope="session")
def drop_reused_db_at_end(request, django_db_setup, django_db_blocker):
    """Browser and concurrency tests need committed data, so they flush the database when
    they end, and with it the rows that data migrations made (Wagtail's root page, sites,
    groups). Those cannot be put back row by row, so the kept test database is put back
    whole: on SQLite from a copy taken before the first of these tests (the next run then
    starts at once), elsewhere by dropping it (the next run migrates afresh, about a minute).
    Runs without browser tests keep ``--reuse-db``'s speed either way.
    """
    from django.db import connection

    snapshot = None
    if connection.vendor == "sqlite":
        name = connection.settings_dict["NAME"]
        if name and name != ":memory:" and "mode=memory" not in name and os.path.exists(name):
            base, ext = os.path.splitext(name)
            snapshot = f"{base}-before-commits{ext}"  # .pytest-db-before-commits.sqlite3: ignored by git
            with django_db_blocker.unblock():
                connection.close()
                _sqlite_copy(name, snapshot)
    yield
    with django_db_blocker.unblock():
        connection.close()
        if snapshot:
            _sqlite_copy(snapshot, connection.settings_dict["NAME"])
            os.remove(snapshot)
        else:
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0, keepdb=False)
