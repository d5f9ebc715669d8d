"""The watchdog a unit of work runs under: `time_limit(seconds)`.

A SIGALRM interval timer raises `UnitTimeout` in the running Python code when the time is up
(main thread only, which is where both the local loop and the process pool's workers run units;
elsewhere it does not limit). An alarm that was already pending (an enclosing watchdog, a test
timeout) is re-armed afterwards with the time it had left.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any


class UnitTimeout(Exception):
    """A unit of work ran past its time limit."""


#: How often the watchdog raises again once the time is up (see `time_limit`).
RETRY_SECONDS = 0.05


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise UnitTimeout inside the block once `seconds` of wall time have passed."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise UnitTimeout(f"time limit of {seconds:g} s exceeded")

    previous = signal.signal(signal.SIGALRM, expire)
    # The timer repeats every RETRY_SECONDS after it first expires: an exception raised by a
    # signal handler while Python runs a finalizer (`__del__`, a weakref callback, garbage
    # collection) is printed and dropped, so one raise alone can be lost; the next one is not.
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds, RETRY_SECONDS)
    start = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer > 0:  # an enclosing alarm was pending: re-arm it for the time it has left
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - start), 1e-3))
