"""The ``local`` backend: this process, or a pool of processes on this machine.

`LocalExecutor(workers=1)` runs units in this process; with more workers it uses a
`concurrent.futures.ProcessPoolExecutor` (the platform's default start method), created on the
first call and reused until `close`, for `map` (parsing and transforming); `map_with_models`
runs here, with the caller's models (the model layer uses the machine's cores itself).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from metacompress.pipeline.executors.base import Executor, R, U, check_workers, executor


@executor("local", "this machine: the run's process, or a pool of worker processes")
class LocalExecutor(Executor):
    """This process (workers = 1) or a pool of `workers` processes on this machine."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = check_workers(workers)
        self._pool: Any = None

    @classmethod
    def from_settings(
        cls, workers: int, address: str | None = None, gpus_per_worker: float = 0.0
    ) -> LocalExecutor:
        return cls(workers)

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
