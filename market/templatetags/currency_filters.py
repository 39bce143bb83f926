"""Replaces Oscar's ``currency_filters`` library.

Oscar's basket, checkout and order templates print money with ``{{ x|currency:c }}``.
This library has the same name and ``market`` is installed after Oscar, so Django's
template engine loads this one: every price on the site goes through ``format_vnd``.
"""

from django import template

from core.money import format_vnd

register = template.Library()


@register.filter(name="currency")
def currency(value, currency_format=None):
    return format_vnd(value)
