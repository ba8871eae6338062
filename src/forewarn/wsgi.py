"""WSGI entry point: ``gunicorn forewarn.wsgi`` (``forewarn web`` does this)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forewarn.settings")
application = get_wsgi_application()

from forewarn.ops.backups import mark_in_use  # noqa: E402 (needs the settings configured above)

mark_in_use()  # `forewarn restore` refuses while a web process uses the embedded database
