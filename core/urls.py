"""Absolute links to this site, from ``SITE_URL`` alone.

An email's link must not come from the request (``build_absolute_uri``, ``get_current_site``
with a Host header): a forged ``Host`` or ``X-Forwarded-Host`` would send a password-reset
token to the attacker's domain. Emails call ``absolute_url(path)``; the Django ``Site`` row
and Wagtail's default site are written from the same setting by ``manage.py site_configure``.
"""

import dataclasses
from urllib.parse import urlsplit

from django.conf import settings


@dataclasses.dataclass(frozen=True)
class SiteAddress:
    scheme: str  # "https" or "http"
    hostname: str  # "choso.example.vn", lower case
    port: int  # explicit, or the scheme's default

    @property
    def domain(self) -> str:
        """Host with the port when it is not the scheme's default: what ``Site.domain`` holds."""
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.hostname}]" if ":" in self.hostname else self.hostname
        return host if self.port == default else f"{host}:{self.port}"


def site_address(url: str) -> SiteAddress:
    """Split a SITE_URL such as ``https://choso.example.vn`` (scheme and host, optionally a
    port; no path, query, fragment or credentials). Raises ValueError saying what is wrong."""
    try:
        parts = urlsplit(url.strip().rstrip("/"))
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"SITE_URL {url!r}: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"SITE_URL {url!r} must start with https:// (or http:// on a laptop)")
    if not parts.hostname:
        raise ValueError(f"SITE_URL {url!r} has no host name")
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"SITE_URL {url!r} must be scheme and host only, e.g. https://choso.example.vn")
    return SiteAddress(
        scheme=parts.scheme,
        hostname=parts.hostname,
        port=port or (443 if parts.scheme == "https" else 80),
    )


def absolute_url(path: str) -> str:
    """``SITE_URL`` + ``path`` (an absolute path such as ``reverse(...)`` returns)."""
    if not path.startswith("/"):
        raise ValueError(f"absolute_url needs a path starting with '/', not {path!r}")
    return settings.SITE_URL.rstrip("/") + path
