"""WSGI entry point. Importing it runs market/__init__.py first, which picks the settings:
``DJANGO_SETTINGS_MODULE`` from the environment, else dev."""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
