"""Per-client attempt counters in the cache: order lookups, stall applications.

Keys include something besides the address (the order number, the phone), because a
whole village may reach us through one carrier NAT address.
"""

from django.conf import settings
from django.core.cache import cache

WINDOW = 3600  # seconds


def client_ip(request) -> str:
    """The client's address: from ``CLIENT_IP_HEADER`` (set it behind a reverse proxy, e.g.
    ``HTTP_X_FORWARDED_FOR``; the first address is the client) or else REMOTE_ADDR."""
    if settings.CLIENT_IP_HEADER:
        forwarded = request.META.get(settings.CLIENT_IP_HEADER, "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def attempt_key(request, kind: str, what: str) -> str:
    return f"{kind}:{client_ip(request)}:{what}"


def attempts_exhausted(key: str, limit: int) -> bool:
    return cache.get(key, 0) >= limit


def attempt_count(key: str) -> None:
    """One more attempt in this window (atomic where the cache is, e.g. Redis)."""
    if not cache.add(key, 1, WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, WINDOW)
