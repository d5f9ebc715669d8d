"""Where units of work run: the executor interface, the local backend and the per-unit watchdog.

The pipeline hands an executor a pure, module-level function and a list of picklable units and
reads the results back in unit order (`Executor.map`); nothing else about the backend leaks into
the stages, so a distributed backend (Ray) is one more `Executor` subclass registered in
`EXECUTORS`. Results never depend on the backend or on the number of workers: every unit carries
its own seed.

`LocalExecutor(workers=1)` runs units in this process; with more workers it uses a
`concurrent.futures.ProcessPoolExecutor` (the platform's default start method), created on the
first call and reused until `close`.

`time_limit(seconds)` is the watchdog a unit runs under: a SIGALRM interval timer that raises
`UnitTimeout` in the running Python code when the time is up (main thread only, which is where
both the local loop and the pool's workers run units; elsewhere it does not limit). An alarm
that was already pending (an enclosing watchdog, a test timeout) is re-armed afterwards with the
time it had left.
"""

from __future__ import annotations

import abc
import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from metacompress.errors import ConfigError

U = TypeVar("U")
R = TypeVar("R")


class UnitTimeout(Exception):
    """A unit of work ran past its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise UnitTimeout inside the block once `seconds` of wall time have passed."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise UnitTimeout(f"time limit of {seconds:g} s exceeded")

    previous = signal.signal(signal.SIGALRM, expire)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer > 0:  # an enclosing alarm was pending: re-arm it for the time it has left
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - start), 1e-3))


class Executor(abc.ABC):
    """Runs `fn` over units and yields the results in the order of the units."""

    workers: int = 1

    @abc.abstractmethod
    def map(self, fn: Callable[[U], R], units: Sequence[U]) -> Iterator[R]:
        """fn(unit) for every unit, yielded in unit order as they become available."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release workers; the executor may be used again afterwards."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class LocalExecutor(Executor):
    """This process (workers = 1) or a pool of `workers` processes on this machine."""

    def __init__(self, workers: int = 1) -> None:
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ConfigError(f"workers must be an integer >= 1, got {workers!r}")
        self.workers = workers
        self._pool: Any = None

    def map(self, fn: Callable[[U], R], units: Sequence[U]) -> Iterator[R]:
        if self.workers == 1 or len(units) <= 1:
            for unit in units:
                yield fn(unit)
            return
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(max_workers=self.workers)
        chunk = max(1, len(units) // (self.workers * 4))
        yield from self._pool.map(fn, units, chunksize=chunk)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


#: Backend name -> factory(workers) -> Executor.
EXECUTORS: dict[str, Callable[[int], Executor]] = {"local": LocalExecutor}


def make_executor(backend: str = "local", workers: int = 1) -> Executor:
    """The executor of `backend` with `workers` workers."""
    if backend not in EXECUTORS:
        known = ", ".join(sorted(EXECUTORS))
        raise ConfigError(f"executor backend must be one of {known}, got {backend!r}")
    return EXECUTORS[backend](workers)
