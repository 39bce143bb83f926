"""Where settings read the environment: ``.env`` at the project root, then the process's
own variables (which win). A blank value is the default (``Env``)."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent


class Env(environ.Env):
    """django-environ, except that a variable set to nothing (``KEY=`` in an env file, or
    spaces) means its default, as a missing one does: a copied example file with blank lines
    must not switch two-factor codes off, empty the email backend or crash a number setting.
    A variable with no default still has to be set to something."""

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        raw = self.ENVIRON.get(f"{self.prefix}{var}")
        if default is not self.NOTSET and isinstance(raw, str) and not raw.strip():
            return self.parse_value(default, cast) if parse_default and default is not None else default
        return super().get_value(var, cast=cast, default=default, parse_default=parse_default)


env = Env()
# A value is everything after "=" (a "#" may be part of a key or a password): .env.example keeps
# its comments on their own lines. payments.checks refuses a secret that looks like it kept one.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def env_secrets(name: str) -> list[str]:
    """A secret setting, comma-separated to accept several (one per provider webhook); blanks
    and surrounding spaces dropped, so a value of spaces is unset, not a key anyone can guess."""
    return [part.strip() for part in env(name, default="").split(",") if part.strip()]
