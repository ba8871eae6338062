"""granian's command line, with signal handling that cannot hang: ``python -m`` this module.

granian's main process sleeps in ``threading.Event.wait()`` and its SIGINT/SIGTERM handler
calls ``Event.set()``. Two things can then stop it from ever stopping under a burst of
signals (``make`` forwards Ctrl-C, so they come in pairs; tests/ops/test_stopping.py sends
100): a handler that runs while another is inside ``set()`` waits for a lock its own thread
holds (see ``stopping``), and a signal the kernel hands to another thread leaves the main
thread asleep in a lock wait, so Python never runs the handler at all.

Here the handlers only set a flag (no lock), and the main loop's event wakes every 0.2 s to
look at the flags, which also lets Python run any pending handler in the main thread.
"""

import threading
import time

from granian.cli import entrypoint
from granian.server.common import AbstractServer

WAKE_SECONDS = 0.2


class FlagWatchingEvent(threading.Event):
    """An event whose ``wait`` also returns once the server's signal flags are up."""

    def __init__(self, server):
        super().__init__()
        self.server = server

    def wait(self, timeout=None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        while not super().wait(WAKE_SECONDS):
            if self.server.interrupt_signal or self.server.reload_signal:
                return True
            if deadline is not None and time.monotonic() >= deadline:
                return False
        return True


def _interrupt(server, *args, **kwargs) -> None:
    server.interrupt_signal = True  # a plain assignment: safe inside a signal handler


def _reload(server, *args, **kwargs) -> None:
    server.reload_signal = True


def install() -> None:
    """Make every granian server started in this process handle its signals as above."""
    startup = AbstractServer.startup

    def startup_with_flag_watching(server, *args, **kwargs):
        server.main_loop_interrupt = FlagWatchingEvent(server)
        return startup(server, *args, **kwargs)

    AbstractServer.startup = startup_with_flag_watching
    AbstractServer.signal_handler_interrupt = _interrupt
    AbstractServer.signal_handler_reload = _reload


if __name__ == "__main__":
    install()
    entrypoint()
