#!/usr/bin/env python
import sys


def main():
    from django.core.management import execute_from_command_line

    import market  # noqa: F401  picks the settings: DJANGO_SETTINGS_MODULE, else dev (market/__init__.py)

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
