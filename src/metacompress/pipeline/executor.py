"""Where units of work run: the executor interface, the local backend and the per-unit watchdog.

The pipeline hands an executor a pure, module-level function and a list of picklable units and
reads the results back in unit order (`Executor.map`); work that needs the run's models goes
through `Executor.map_with_models(fn, units, models)`, which calls fn(models, unit) wherever a
copy of the models lives. Nothing else about the backend leaks into the stages, so a backend is
one more `Executor` subclass registered in `EXECUTORS`: ``local`` (below) and ``ray``
(`metacompress.pipeline.ray_backend`, imported only when asked for). Results never depend on the
backend or on the number of workers: every unit carries its own seed.

`LocalExecutor(workers=1)` runs units in this process; with more workers it uses a
`concurrent.futures.ProcessPoolExecutor` (the platform's default start method), created on the
first call and reused until `close`, for `map` (parsing and transforming); `map_with_models`
runs here, with the caller's models (the model layer uses the machine's cores itself).

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


def check_workers(workers: object) -> int:
    """`workers` when it is an integer >= 1; a ConfigError otherwise."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ConfigError(f"workers must be an integer >= 1, got {workers!r}")
    return workers


class Executor(abc.ABC):
    """Runs `fn` over units and yields the results in the order of the units."""

    workers: int = 1
    #: Copies of the models that serve `map_with_models` at the same time.
    model_workers: int = 1

    @abc.abstractmethod
    def map(self, fn: Callable[[U], R], units: Sequence[U]) -> Iterator[R]:
        """fn(unit) for every unit, yielded in unit order as they become available."""

    def map_with_models(
        self, fn: Callable[[Any, U], R], units: Sequence[U], models: Any
    ) -> Iterator[R]:
        """fn(models, unit) for every unit, in unit order; here: in this process."""
        for unit in units:
            yield fn(models, unit)

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
        self.workers = check_workers(workers)
        self._pool: Any = None

    def map(self, fn: Callable[[U], R], units: Sequence[U]) -> Iterator[R]:
        if self.workers == 1:
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


def _local(workers: int, address: str | None = None, gpus_per_worker: float = 0.0) -> Executor:
    if address is not None:
        raise ConfigError(f"a cluster address ({address!r}) needs the ray backend, not local")
    return LocalExecutor(workers)


def _ray(workers: int, address: str | None = None, gpus_per_worker: float = 0.0) -> Executor:
    from metacompress.pipeline.ray_backend import RayExecutor

    return RayExecutor(workers, address, num_gpus=gpus_per_worker)


#: Backend name -> factory(workers, address, gpus_per_worker) -> Executor.
EXECUTORS: dict[str, Callable[..., Executor]] = {"local": _local, "ray": _ray}


def make_executor(
    backend: str = "local",
    workers: int = 1,
    address: str | None = None,
    gpus_per_worker: float = 0.0,
) -> Executor:
    """The executor of `backend` with `workers` workers (`address`: a Ray cluster to join;
    `gpus_per_worker`: GPUs each Ray worker reserves)."""
    if backend not in EXECUTORS:
        known = ", ".join(sorted(EXECUTORS))
        raise ConfigError(f"executor backend must be one of {known}, got {backend!r}")
    return EXECUTORS[backend](workers, address, gpus_per_worker)
