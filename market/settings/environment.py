"""Where settings read the environment: ``.env`` at the project root, then the process's
own variables (which win)."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A value is everything after "=" (a "#" may be part of a key or a password): .env.example keeps
# its comments on their own lines. payments.checks refuses a secret that looks like it kept one.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def env_secrets(name: str) -> list[str]:
    """A secret setting, comma-separated to accept several (one per provider webhook); blanks
    and surrounding spaces dropped, so a value of spaces is unset, not a key anyone can guess."""
    return [part.strip() for part in env(name, default="").split(",") if part.strip()]
