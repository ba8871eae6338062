"""The ``forewarn`` command: Django's management commands with the product's settings.

forewarn demo                  # embedded default: SQLite, worker in-process, demo data
forewarn web                   # production web process (granian, WSGI)
forewarn worker                # production background worker (the scheduler loop)
forewarn token create USER     # prints a new API token as its last line
forewarn migrate | createsuperuser | ...
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forewarn.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "forewarn"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
