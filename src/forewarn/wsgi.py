"""WSGI entry point: ``forewarn web`` serves it (see ``forewarn.ops.serving``).

Django's handler, behind the status page's fast path (``statuspage.fastpath``: a public
cached URL whose bytes are known is answered without walking the middleware again), behind
the request counter of ``/metrics`` (``ops.metrics``).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forewarn.settings")
django_application = get_wsgi_application()

# These need the settings configured above.
from forewarn.ops.backups import mark_in_use  # noqa: E402
from forewarn.ops.metrics import CountRequests  # noqa: E402
from forewarn.statuspage.fastpath import PublicFastPath  # noqa: E402

application = CountRequests(PublicFastPath(django_application))

mark_in_use()  # `forewarn restore` refuses while a web process uses the embedded database
