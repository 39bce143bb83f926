import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def postgresql_only(request):
    """Concurrency claims are tested on PostgreSQL, where rows really lock; these tests
    commit, so the kept test database is dropped at the end (tests/transactional.py)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (CI sets DATABASE_URL); SQLite serialises every write")
    request.getfixturevalue("drop_reused_db_at_end")
