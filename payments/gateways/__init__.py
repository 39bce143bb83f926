"""Registry of payment gateways.

A new payment method is a new module with a ``Gateway`` subclass, listed by dotted path
in ``settings.PAYMENT_GATEWAYS``; checkout offers every listed gateway whose
``is_enabled()`` is true (the card gateway, for instance, only when Stripe keys are set).
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import Gateway, NextStep, PaymentRequest

__all__ = ["Gateway", "NextStep", "PaymentRequest", "all_gateways", "enabled_gateways", "gateway_for"]


@cache
def _load(paths: tuple[str, ...]) -> dict[str, Gateway]:
    gateways = [import_string(path)() for path in paths]
    return {gateway.code: gateway for gateway in gateways}


def all_gateways() -> dict[str, Gateway]:
    return _load(tuple(settings.PAYMENT_GATEWAYS))


def enabled_gateways() -> list[Gateway]:
    return [gateway for gateway in all_gateways().values() if gateway.is_enabled()]


def gateway_for(code: str) -> Gateway | None:
    """The gateway with this code, enabled or not (an order keeps the method it was placed with)."""
    return all_gateways().get(code)
