"""The scheduler job that keeps the static copy current: re-publish whenever the page's state moves.

Off unless ``FOREWARN_STATIC_DIR`` is set. The job reads the page state (one indexed
read) and compares it with the state the copy on this machine says it holds; each
worker keeps its own machine's folder, so the claim is the folder itself (a lock
file serialises publishers sharing it, ``site_files.write_copy``). A worker also
publishes once when it starts, so a new release's pages and assets reach the copy.
It runs in a lane of its own (``scheduler``), checking every 0.2 s, so a long
sending round never holds it back: a change shows in the copy within about a
second plus the time to render the site.

With ``FOREWARN_STATIC_S3_BUCKET`` the copy then goes to object storage: the files
that changed, everything on the first upload of the process.
"""

import logging
import time

from django.conf import settings

from forewarn.scheduler import job

from . import publish, upload

logger = logging.getLogger("forewarn.statuspage.publish")

RETRY_AFTER_SECONDS = 30  # after a failure (the scheduler logs it), rather than 5 times a second
_done: dict[str, str | float | None] = {"published": None, "uploaded": None, "retry_at": 0.0}


@job("publish_static_copy", lane="static copy", interval=0.2)
def publish_static_copy() -> int:
    """Publish the copy if the page changed since (or this process has not published yet)."""
    folder = settings.FOREWARN_STATIC_DIR
    if not folder or time.monotonic() < _done["retry_at"]:
        return 0
    try:
        return _publish_and_upload(folder)
    except Exception:
        _done["retry_at"] = time.monotonic() + RETRY_AFTER_SECONDS
        raise


def _publish_and_upload(folder: str) -> int:
    state = publish.page_state()
    handled = 0
    if _done["published"] != state or publish.published_state(folder) != state:
        published = publish.publish(folder)
        _done["published"] = published.state
        logger.info("Published %s files in %.2f s.", published.files, published.seconds)
        handled = 1
    if settings.FOREWARN_STATIC_S3_BUCKET and _done["uploaded"] != _done["published"]:
        first = _done["uploaded"] is None
        sent = upload.upload(
            folder,
            settings.FOREWARN_STATIC_S3_BUCKET,
            s3_client(),
            prefix=settings.FOREWARN_STATIC_S3_PREFIX,
            everything=first,
        )
        _done["uploaded"] = _done["published"]
        logger.info("Uploaded the copy: %s sent, %s unchanged, %s removed.", *vars(sent).values())
        handled = 1
    return handled


def s3_client():
    return upload.client(
        settings.FOREWARN_STATIC_S3_ENDPOINT_URL, settings.FOREWARN_STATIC_S3_REGION
    )
