"""What merchants tells the layers above it, without importing them.

A change to a market's stalls, applications, QR codes or payments is announced to the
callables named in ``MARKET_CHANGED_HOOKS`` (the statistics rollup, ``market.stats``): the
same inversion as ``BANK_ACCOUNT_MATCHERS``, so dependencies keep pointing down.
"""

import datetime

from django.conf import settings
from django.utils.module_loading import import_string


def market_changed(market_id: int, *, since: datetime.datetime | None = None) -> None:
    """The market's figures changed today, or from ``since`` (a payment reported late) until today."""
    for path in settings.MARKET_CHANGED_HOOKS:
        import_string(path)(market_id, since=since)
