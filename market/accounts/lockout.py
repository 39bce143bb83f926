"""django-axes, fitted to our doors (settings: ``AXES_*`` in market/settings/base.py).

Every door that checks a password goes through ``authenticate(request, username=…)``:
Django's admin and Wagtail's login (a username, or an email through Oscar's EmailBackend),
Oscar's ``/shop/accounts/login/`` (an email) and the vendors' ``/stalls/login/`` (an E.164
phone). axes counts each wrong password under (username, client address) and, at
``AXES_FAILURE_LIMIT``, refuses every password for ``AXES_COOLOFF_TIME``.

A door that wants to say so on its own page (the vendors' login) checks
``request.axes_locked_out`` after ``authenticate`` and answers 429 itself;
``lockout_response`` then keeps that answer. Every other door gets ``account/lockout.html``.
"""

import unicodedata

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import render

from core.ratelimit import lockout_message, lockout_minutes


class LockoutBackend(AxesStandaloneBackend):
    """axes' backend, except that a call without a request passes to the next backend.

    Oscar's registration logs the account it has just created in with
    ``authenticate(username=…, password=…)`` and no request, which axes would answer with an
    exception. Every login door passes its request, so none of them skips the lockout.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def login_username(request, credentials=None) -> str | None:
    """The username half of the lockout key: the **account** the typed name leads to.

    The same account can be reached by its username and by its email, and an email matches
    case-insensitively in the database (where ``UPPER('ı')`` is ``'I'``): keyed on what was
    typed, every spelling would get a lock of its own. So a name that finds one account is
    counted under that account's username (which is also what axes clears on a successful
    login); a name that finds none is counted as typed, folded.
    """
    if credentials:
        name = credentials.get("username") or credentials.get("email")
    else:
        name = request.POST.get("username")
    if not isinstance(name, str) or not name.strip():
        return None
    name = unicodedata.normalize("NFKC", name.strip())
    users = get_user_model().objects.filter(Q(username__iexact=name) | Q(email__iexact=name))
    found = list(users.values_list("username", flat=True)[:2])
    if len(found) == 1:
        return found[0].casefold()
    return name.upper().casefold()


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out login gets: the door's own 429 page if it made one, else ours."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    return render(
        request,
        "account/lockout.html",
        {"message": lockout_message(), "minutes": lockout_minutes()},
        status=429,
    )
