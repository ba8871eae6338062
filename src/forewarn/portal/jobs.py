"""Scheduler job of the portal: strike expired sign-in links out of their mails and forget
links and sessions a day after they ended (``signin.purge``)."""

from forewarn.scheduler import job

from . import signin


@job("portal_purge")
def purge() -> int:
    return signin.purge()
