"""Laptop defaults: SQLite, eager Celery, DEBUG on. ``make run`` uses these."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-not-secret-chợ-số-8f2b1c9e7d6a")
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
