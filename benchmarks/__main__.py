"""``make bench``: prints figures, asserts nothing. Each module adds its own section.

Runs against its own SQLite file (``bench.sqlite3``) unless DATABASE_URL is set, so the
demo database of ``make run`` is left alone.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "market.settings.dev")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench.sqlite3'}")
os.environ["DEBUG"] = "false"
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")


def main():
    import django

    django.setup()
    from django.core.management import call_command

    print(f"Database: {os.environ['DATABASE_URL']}")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", stdout=open(os.devnull, "w"))

    from benchmarks import storefront, vietqr

    storefront.run()
    vietqr.run()


if __name__ == "__main__":
    main()
