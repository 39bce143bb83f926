"""Stripe, in one place (as Saleor keeps each gateway): the gateway, Stripe's API, its webhooks."""
