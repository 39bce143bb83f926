"""Payments: how money for an order arrives, and the proof that it did.

The split with Oscar:

* Oscar's ``payment`` app (``Source``, ``Transaction``) and the order's ``PaymentEvent``
  rows stay the **order-side ledger**: which method an order uses (one ``Source`` whose
  type is the gateway code), what was debited, and which lines a payment covered.
* This app is **ours**: the VietQR codec (``vietqr``), the gateways (``gateways/``), the
  Oscar checkout fork (``checkout/``), and the incoming evidence, each stored once by a
  unique constraint: bank transfers from notification feeds and statements
  (``BankTransaction``), Stripe events (``StripeEvent``), an order's one PaymentIntent
  (``StripePaymentIntent``), staff actions (``PaymentAudit``) and sent emails
  (``OrderNotification``).

Every change of an order's payment state goes through ``services.orders``, under a row
lock on the order, and moves only along ``status.PIPELINE``.
"""
