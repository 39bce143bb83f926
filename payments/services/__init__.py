"""Writes on the payment path, split by sub-domain: orders (stock, paid, expired),
bank intake and matching, Stripe, and the notification emails."""
