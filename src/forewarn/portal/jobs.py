"""Scheduler job of the portal: strike expired sign-in links out of their mails and forget
links and sessions a day after they ended (``signin.purge``); at most once a minute per
worker."""

import time

from forewarn.scheduler import job

from . import signin

PURGE_EVERY_SECONDS = 60
_last_purge = {"at": float("-inf")}


@job("portal_purge")
def purge() -> int:
    now = time.monotonic()
    if now - _last_purge["at"] < PURGE_EVERY_SECONDS:
        return 0
    _last_purge["at"] = now
    signin.purge()
    return 0  # housekeeping never makes the loop spin again at once
