"""JSON over HTTP to the providers we call (SMS, bank-feed APIs), with one answer to "can a retry help?".

The standard library's ``urllib`` is enough for a few small JSON calls a minute, and keeps the
kernel free of a client library. Every URL comes from settings, never from a request; tests
point them at loopback servers that replay the providers' recorded answers.
"""

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

DEFAULT_TIMEOUT = 10  # seconds; providers answer in well under one


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: following it would send our Authorization header to wherever it points."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


class HttpError(Exception):
    """The call failed. ``temporary``: a retry later may cure it (network, 5xx, 429, a body
    that is not JSON); otherwise the provider refused for good (credentials, bad request)."""

    def __init__(self, message: str, *, temporary: bool, empty: bool = False):
        super().__init__(message)
        self.temporary = temporary
        self.empty = empty  # a 2xx with no body at all


def json_request(
    url: str,
    *,
    method: str = "GET",
    params: dict | None = None,
    headers: dict | None = None,
    body: Any = None,
    timeout: float = DEFAULT_TIMEOUT,
    name: str = "provider",
) -> Any:
    """Send ``body`` (if any) as JSON and return the decoded JSON answer of a 2xx.

    ``name`` is the provider's name in error messages ("SePay answered HTTP 401").
    """
    if params:
        url = f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params)}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with _opener.open(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raise HttpError(f"{name} answered HTTP {exc.code}", temporary=exc.code >= 500 or exc.code == 429) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise HttpError(f"{name} unreachable: {getattr(exc, 'reason', exc)}", temporary=True) from exc
    except http.client.HTTPException as exc:  # not HTTP at all: a bad status line, a cut-off body
        raise HttpError(f"{name} answered something that is not HTTP: {type(exc).__name__}", temporary=True) from exc
    if not raw.strip():
        raise HttpError(f"{name} answered with an empty body", temporary=True, empty=True)
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise HttpError(f"{name} answered something that is not JSON", temporary=True) from exc
