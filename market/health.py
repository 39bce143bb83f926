"""``/healthz/`` for the load balancer: can this node reach the database, the shared cache,
the broker and the file storage? 200 when all answer, 503 when one does not. It names each
part and says ok or fail: no version, host, address or error text."""

from celery import current_app
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.ratelimit import LIMITS_CACHE


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    # The strict alias: the default one reports a miss, not an error, while Redis is down.
    limits = caches[LIMITS_CACHE]
    limits.set("healthz", 1, 30)
    limits.get("healthz")


def _broker() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:  # no broker in use (make run): nothing to reach
        return
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def _storage() -> None:
    default_storage.exists("healthz")


CHECKS = {"database": _database, "cache": _cache, "broker": _broker, "storage": _storage}


@never_cache
@require_GET
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # noqa: BLE001  any failure is "fail"; its text stays in the logs
            results[name] = "fail"
        else:
            results[name] = "ok"
    healthy = all(v == "ok" for v in results.values())
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": results}, status=200 if healthy else 503)
