"""WSGI entry point: ``gunicorn forewarn.wsgi`` (``forewarn web`` does this)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forewarn.settings")
application = get_wsgi_application()
