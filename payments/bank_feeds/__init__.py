"""Bank-notification feeds: SePay, Casso and our generic scheme, each as it really signs and sends.

``FEEDS`` maps the name in ``/payments/webhooks/bank/<name>/`` to its ``Feed``. To support
another provider, write a ``Feed`` subclass in its own module and add it here. The services
that store what a feed reports are in ``payments.services.bank`` and ``payments.services.feeds``.
"""

from .casso import CassoFeed
from .common import (
    EARLIEST_DATE,
    MAX_AMOUNT,
    AddressRefused,
    DateOutOfRange,
    Delivery,
    Feed,
    FeedError,
    IncomingTransfer,
    PullError,
    SignatureRefused,
    date_bounds,
    date_check,
    normalise_reference,
    parse_when,
)
from .generic import GenericFeed, sign
from .sepay import SePayFeed

FEEDS: dict[str, Feed] = {feed.name: feed for feed in (SePayFeed(), CassoFeed(), GenericFeed())}


def feed_for(name: str) -> Feed | None:
    return FEEDS.get(name)


__all__ = [
    "EARLIEST_DATE",
    "FEEDS",
    "MAX_AMOUNT",
    "AddressRefused",
    "DateOutOfRange",
    "Delivery",
    "Feed",
    "FeedError",
    "IncomingTransfer",
    "PullError",
    "SignatureRefused",
    "date_bounds",
    "date_check",
    "feed_for",
    "normalise_reference",
    "parse_when",
    "sign",
]
