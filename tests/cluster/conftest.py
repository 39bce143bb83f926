import shutil
import warnings

import psycopg
import pytest

from .stack import PG, Stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    if shutil.which("nginx") is None:
        pytest.skip("the cluster test needs Debian's nginx (.ci/run installs it)")
    try:
        psycopg.connect(f"{PG}/postgres", connect_timeout=3).close()
    except psycopg.OperationalError:
        pytest.skip("the cluster test needs PostgreSQL on 127.0.0.1:5432")
    warnings.filterwarnings("ignore", message="Unverified HTTPS request")
    running = Stack(base=tmp_path_factory.mktemp("cluster"))
    try:
        yield running.start()
    finally:
        running.close()
