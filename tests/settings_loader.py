"""Read a settings module as a fresh process would, without starting one.

``load_settings("market.settings.production", SITE_URL=…)`` imports the module anew under the
given environment (the variables the settings read are cleared first) and returns it; the
running Django settings and ``os.environ`` are left as they were. A few milliseconds instead
of a subprocess's seconds.
"""

import importlib
import os
import sys

CLEARED = (
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "SITE_URL",
    "DATABASE_URL",
    "ALLOWED_HOSTS",
    "NUM_PROXIES",
    "REDIS_URL",
    "CACHE_URL",
    "AWS_STORAGE_BUCKET_NAME",
)


def load_settings(module: str, **env):
    saved_env = dict(os.environ)
    saved_modules = {name: sys.modules.pop(name) for name in list(sys.modules) if name.startswith("market.settings.")}
    try:
        for name in CLEARED:
            os.environ.pop(name, None)
        os.environ.update(env)
        return importlib.import_module(module)
    finally:
        for name in [n for n in sys.modules if n.startswith("market.settings.")]:
            del sys.modules[name]
        sys.modules.update(saved_modules)
        os.environ.clear()
        os.environ.update(saved_env)


PRODUCTION = {
    "SECRET_KEY": "x" * 50,
    "DATABASE_URL": "sqlite:///:memory:",
    "ALLOWED_HOSTS": "choso.example.org",
    "SITE_URL": "https://choso.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/9",
}


def production_settings(**env):
    """Production settings with the variables they require set, and ``env`` on top."""
    return load_settings("market.settings.production", **{**PRODUCTION, **env})
