"""For the test directories whose tests commit (browser and concurrency tests).

Their conftest adds an autouse fixture that requests ``drop_reused_db_at_end``; being
session-scoped, it runs its teardown once however many directories ask for it.
"""

import pytest


@pytest.fixture(scope="session")
def drop_reused_db_at_end(request, django_db_setup, django_db_blocker):
    """Browser and concurrency tests need committed data, so they flush the database when they end, and
    with it the rows that data migrations made (Wagtail's root page, sites, groups).
    Those cannot be put back reliably, so after a run that included them the kept test
    database is dropped and the next run migrates afresh (about 40 s) instead of
    starting broken. Runs without browser tests keep ``--reuse-db``'s speed.
    """
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        connection.close()
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0, keepdb=False)
