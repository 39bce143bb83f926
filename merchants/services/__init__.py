"""Writes for the cashless street, by sub-domain:

- ``applications``: a vendor's application and its review (new stalls and payout-account
  changes alike), the stall it is for, and random references;
- ``qr``: the stall's VietQR (``stall_qr_issue`` is the only place an ``IssuedQR`` is made,
  through ``payments.vietqr.build_payload``), transfers into it, and placards;
- ``codes``: the vendor's login (one-time codes, passwords);
- ``vendors``: the payout-account change request;
- ``notices``: texts to the vendor's phone, emails to organisers, and the audit log;
- ``markets``: an organiser's markets and streets.

Import from here; the modules are the layout, not the interface.
"""

from .applications import (
    CONSENT_VERSION,
    ApprovalSlip,
    application_approve,
    application_reject,
    application_submit,
    applications_approve,
    holder_name_normalise,
    stall_for_application,
)
from .codes import merchant_password_code_issue, merchant_password_set
from .markets import market_save
from .notices import merchant_event, merchant_notice_send, organisers_notify_account_change
from .qr import (
    placard_batch_render,
    placard_batch_request,
    placards_printed,
    stall_qr_issue,
    stall_transfer_match,
)
from .vendors import merchant_account_change_cancel, merchant_account_change_request

__all__ = [
    "CONSENT_VERSION",
    "ApprovalSlip",
    "application_approve",
    "application_reject",
    "application_submit",
    "applications_approve",
    "holder_name_normalise",
    "market_save",
    "merchant_account_change_cancel",
    "merchant_account_change_request",
    "merchant_event",
    "merchant_notice_send",
    "merchant_password_code_issue",
    "merchant_password_set",
    "organisers_notify_account_change",
    "placard_batch_render",
    "placard_batch_request",
    "placards_printed",
    "stall_for_application",
    "stall_qr_issue",
    "stall_transfer_match",
]
