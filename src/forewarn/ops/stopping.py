"""Stop a long-running command on SIGINT or SIGTERM, however often the signal comes.

A Python signal handler runs in the main thread between two bytecodes, possibly in
the middle of code that holds a lock.  ``threading.Event.set()`` takes the event's
lock, so a handler that calls it deadlocks when a second signal arrives while the
first handler is still inside ``set()`` (``make`` forwards Ctrl-C, so two signals
in a row are common).  Here the handler only writes one byte to a non-blocking
pipe (the self-pipe trick, async-signal-safe); a watcher thread reads it and sets
the event, outside any handler.
"""

import os
import signal
import threading
from collections.abc import Callable

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class SignalStop:
    """``stop`` is set, from a watcher thread, when one of ``signals`` arrives.

    ``on_signal(name)`` runs in the watcher thread for the first signal (to say that
    the command is stopping); later signals change nothing.  ``install()`` must run
    in the main thread; ``uninstall()`` puts the previous handlers back.
    """

    def __init__(
        self,
        stop: threading.Event,
        *,
        signals: tuple[signal.Signals, ...] = STOP_SIGNALS,
        on_signal: Callable[[str], None] | None = None,
    ):
        self.stop = stop
        self.signals = signals
        self.on_signal = on_signal
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)
        self._previous: dict[int, object] = {}
        self._watcher = threading.Thread(target=self._watch, name="signal-stop", daemon=True)

    def install(self) -> "SignalStop":
        self._watcher.start()
        for signum in self.signals:
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def uninstall(self) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()

    def _handle(self, signum, frame) -> None:
        # Nothing here may take a lock: one non-blocking write, errors ignored (a full
        # pipe already holds a byte that will stop the command).
        try:
            os.write(self._write, bytes([signum]))
        except OSError:
            pass

    def _watch(self) -> None:
        signum = os.read(self._read, 1)[0]
        if self.on_signal is not None:
            self.on_signal(signal.Signals(signum).name)
        self.stop.set()
