"""Screens of the cashless street: ``vendor`` (the vendor's and field agent's), ``money``
("Nhận tiền"), ``placards`` (one stall's and a market's batch), ``organiser`` (review, codes,
markets), and ``access`` (who may see and do what)."""

from .money import MoneyReceivedJsonView, MoneyReceivedView
from .organiser import MarketEditView, MarketListView, ReviewView, VendorPasswordResetView
from .placards import PlacardBatchCreateView, PlacardBatchFileView, PlacardBatchView, PlacardView
from .vendor import (
    ApplicationDetailView,
    ApplicationLookupView,
    VendorApplyView,
    VendorHomeView,
    VendorLoginView,
    VendorPasswordView,
)

__all__ = [
    "ApplicationDetailView",
    "ApplicationLookupView",
    "MarketEditView",
    "MarketListView",
    "MoneyReceivedJsonView",
    "MoneyReceivedView",
    "PlacardBatchCreateView",
    "PlacardBatchFileView",
    "PlacardBatchView",
    "PlacardView",
    "ReviewView",
    "VendorApplyView",
    "VendorHomeView",
    "VendorLoginView",
    "VendorPasswordResetView",
    "VendorPasswordView",
]
