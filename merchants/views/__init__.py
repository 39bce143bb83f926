"""Screens of the cashless street: ``vendor`` (the vendor's and field agent's), ``organiser``
(review, codes, placards, markets), and ``access`` (who may see and do what)."""

from .organiser import (
    MarketEditView,
    MarketListView,
    PlacardBatchCreateView,
    PlacardBatchFileView,
    PlacardBatchView,
    ReviewView,
    VendorPasswordResetView,
)
from .vendor import (
    ApplicationDetailView,
    ApplicationLookupView,
    MoneyReceivedJsonView,
    MoneyReceivedView,
    PlacardView,
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
