"""``make bench``: prints figures, asserts nothing. Each module adds its own section.

Runs against its own database, so the demo database of ``make run`` is left alone:
DATABASE_URL if set; else PostgreSQL's ``choso_bench`` on 127.0.0.1:5432 when a server
answers there (created if missing); else a SQLite file, ``bench.sqlite3``.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "market.settings.dev")


def _bench_database() -> str:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2, autocommit=True) as db:
            if not db.execute("SELECT 1 FROM pg_database WHERE datname = 'choso_bench'").fetchone():
                db.execute("CREATE DATABASE choso_bench")
        return "postgres://postgres@127.0.0.1:5432/choso_bench"
    except Exception:  # noqa: BLE001 - no PostgreSQL here: fall back to SQLite
        return f"sqlite:///{ROOT / 'bench.sqlite3'}"


if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = _bench_database()
os.environ["DEBUG"] = "false"
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")


def main():
    import django

    django.setup()
    from django.core.management import call_command

    if sys.argv[1:] == ["load"]:  # the load run alone: it brings up its own stack and database
        from benchmarks import load

        load.run()
        return

    print(f"Database: {os.environ['DATABASE_URL']}")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", stdout=open(os.devnull, "w"))

    from benchmarks import load, payments, placards, statistics, storefront, vietqr

    storefront.run()
    vietqr.run()
    payments.run()
    placards.run()
    statistics.run()
    load.run()


if __name__ == "__main__":
    main()
