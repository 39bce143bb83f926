"""The project package. One rule picks the settings for manage.py, Celery and WSGI/ASGI alike:
``DJANGO_SETTINGS_MODULE`` from the environment, and dev (``make run``) when it is unset. A
server sets ``market.settings.production`` in its environment file (deploy/choso.env.example)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "market.settings.dev")

from .celery import app as celery_app  # noqa: E402  (after the default above)

__all__ = ("celery_app",)
