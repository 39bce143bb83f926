"""One rule picks the settings for manage.py, Celery and WSGI/ASGI: DJANGO_SETTINGS_MODULE
from the environment, else dev. It lives in market/__init__.py, which each of them imports
first; none of them sets a default of its own."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = "import market, os; print(os.environ['DJANGO_SETTINGS_MODULE'])"


@pytest.mark.parametrize(("given", "used"), [(None, "market.settings.dev"), ("market.settings.production",) * 2])
def test_the_environment_decides_else_dev(given, used):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    if given:
        env["DJANGO_SETTINGS_MODULE"] = given
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == used


@pytest.mark.parametrize("path", ["manage.py", "market/wsgi.py", "market/asgi.py", "market/celery.py"])
def test_no_entry_point_has_a_default_of_its_own(path):
    source = (ROOT / path).read_text()
    assert "os.environ" not in source
    # manage.py imports the package; the others are inside it, so Python runs it first.
    assert path.startswith("market/") or "import market" in source
