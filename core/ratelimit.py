"""The client's address, and per-client attempt counters in the cache (order lookups, stall
applications, two-factor codes). Logins are counted by django-axes, which reads the address
from ``client_ip`` too (``AXES_CLIENT_IP_CALLABLE``), so every limit sees the same client.

Keys include something besides the address (the order number, the phone, the user), because
a whole village may reach us through one carrier NAT address.

The counters live in the ``limits`` cache, shared by every web node. While it is down, a
limit fails closed (``LimitsUnavailable``: the door answers 503, "try again in a few
minutes") unless its caller says it guards nothing secret (``fail_open``: the stall
application form, which only queues a review).
"""

import contextlib
import ipaddress
import logging

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import gettext as _

WINDOW = 3600  # seconds
LIMITS_CACHE = "limits"

logger = logging.getLogger(__name__)


class LimitsUnavailable(Exception):
    """The shared counters cannot be read: a door that fails closed refuses with 503
    (``market.middleware.LimitsUnavailableMiddleware``), never lets a guess through uncounted."""


def _counters():
    return caches[LIMITS_CACHE]


def client_address(request) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The client's address, as the ``NUM_PROXIES`` trusted reverse proxies in front saw it.

    Each proxy appends the address it was connected from to X-Forwarded-For, so the client is
    the NUM_PROXIES-th entry from the right; everything left of it was written by the client
    and proves nothing. With ``NUM_PROXIES = 0`` (no proxy) it is REMOTE_ADDR.

    A header with fewer entries than NUM_PROXIES did not pass through every proxy (a request
    sent to an inner hop directly, or a proxy that does not append): its leftmost entry may be
    the client's own writing, so it is not trusted and REMOTE_ADDR, the real peer, is used. So
    is REMOTE_ADDR when the chosen entry is not an IP address (a port, a name, garbage).
    An IPv4-mapped IPv6 address is its IPv4. None when not even REMOTE_ADDR is an address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    chosen = remote
    proxies = settings.NUM_PROXIES
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies:
            chosen = hops[-proxies]
    return _ip(chosen) or _ip(remote)


def client_ip(request) -> str:
    """The client, as every limit keys it: ``client_address``, with an IPv6 client named by its
    /64 network (a phone or a household holds a whole /64 and can pick a new address in it for
    each request)."""
    address = client_address(request)
    if address is None:
        return request.META.get("REMOTE_ADDR", "")
    if address.version == 6:
        return str(ipaddress.IPv6Network((address, 64), strict=False).network_address)
    return str(address)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def attempt_key(request, kind: str, what: str) -> str:
    return f"{kind}:{client_ip(request)}:{what}"


def attempts_exhausted(key: str, limit: int, *, fail_open: bool = False) -> bool:
    try:
        return _counters().get(key, 0) >= limit
    except Exception as exc:  # the shared cache is down
        return _unavailable(key, fail_open, exc, answer=False)


def attempt_count(key: str, window: int = WINDOW) -> int:
    """One more attempt (atomic where the cache is, e.g. Redis); returns the count. It is kept
    ``window`` seconds after the last attempt, so a client that reached the limit waits a
    whole window. Raises when the cache is down (see ``attempt_take``)."""
    counters = _counters()
    if counters.add(key, 1, window):
        return 1
    try:
        count = counters.incr(key)
    except ValueError:  # expired between add and incr
        counters.add(key, 1, window)
        return 1
    counters.touch(key, window)
    return count


def attempt_take(key: str, limit: int, window: int = WINDOW, *, fail_open: bool = False) -> bool:
    """Count this attempt, then say whether it is within ``limit``. Counting before the work
    (not after a failure) holds against a burst: of N requests sent at once, at most ``limit``
    get through, where a check-then-count would let all N pass the check. With the cache
    down, no attempt can be counted: refused, unless ``fail_open``."""
    try:
        return attempt_count(key, window) <= limit
    except Exception as exc:  # the shared cache is down
        return _unavailable(key, fail_open, exc, answer=True)


def attempt_record(key: str, window: int = WINDOW) -> None:
    """Count an attempt whose answer does not depend on the count (a submission that went
    through); with the cache down it is not counted."""
    with contextlib.suppress(Exception):
        attempt_count(key, window)


def attempt_release(key: str) -> None:
    """Give back an attempt that did not count after all (it succeeded, where only failures
    should use up the limit)."""
    try:
        _counters().decr(key)
    except ValueError:  # expired meanwhile: nothing to give back
        pass
    except Exception:  # the cache is down: nothing was counted either
        pass


def _unavailable(key: str, fail_open: bool, exc: Exception, *, answer: bool) -> bool:
    """Open: ``answer`` (as if nothing was counted). Closed: LimitsUnavailable."""
    kind = key.partition(":")[0]
    logger.warning(
        "rate limit %s: cache unavailable (%s), failing %s", kind, type(exc).__name__, "open" if fail_open else "closed"
    )
    if fail_open:
        return answer
    raise LimitsUnavailable(kind) from exc


def lockout_minutes() -> int:
    """How long a login door stays locked after too many wrong passwords (``AXES_COOLOFF_TIME``)."""
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    """What every login door says while locked: the same words on each page."""
    return _(
        "Đăng nhập tạm khoá vì nhập sai quá nhiều lần. Hãy chờ %(minutes)s phút rồi thử lại, "
        "hoặc nhờ quản trị viên nền tảng mở khoá."
    ) % {"minutes": lockout_minutes()}
