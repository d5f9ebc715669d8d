"""The executor interface and its registry: where units of work run.

The pipeline hands an executor a pure, module-level function and a list of picklable units and
reads the results back in unit order (`Executor.map`); work that needs the run's models goes
through `Executor.map_with_models(fn, units, models)`, which calls fn(models, unit) wherever a
copy of the models lives. Nothing else about the backend leaks into the stages, so a backend is
one more `Executor` subclass in a module of this package, registered with `@executor(NAME)`:
``local`` (`executors.local`) and ``ray`` (`executors.ray_actors`, which imports Ray only when
used). Results never depend on the backend or on the number of workers: every unit carries its
own seed.

Every backend is built by `Executor.from_settings(workers, address, gpus_per_worker)` from the
run config's `workers`, `ray_address` and device; `check_backend` is the one rule on a cluster
address.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from metacompress.errors import ConfigError
from metacompress.registry import Registry

U = TypeVar("U")
R = TypeVar("R")

EXECUTORS: Registry[type[Executor]] = Registry(
    "executor backend", packages=("metacompress.pipeline.executors",)
)


def executor(name: str, description: str) -> Callable[[type[Executor]], type[Executor]]:
    """Class decorator: register an Executor backend under `name`."""
    return EXECUTORS.register(name, description)


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

    @classmethod
    @abc.abstractmethod
    def from_settings(
        cls, workers: int, address: str | None = None, gpus_per_worker: float = 0.0
    ) -> Executor:
        """The executor for a run's `workers`, cluster `address` and GPUs per worker."""


def check_backend(backend: str, address: str | None) -> None:
    """The one rule on a cluster address: only the ray backend joins a cluster."""
    if address is not None and backend != "ray":
        raise ConfigError(
            f"a cluster address ({address!r}) needs the ray backend, got backend {backend!r}"
        )


def make_executor(
    backend: str = "local",
    workers: int = 1,
    address: str | None = None,
    gpus_per_worker: float = 0.0,
) -> Executor:
    """The executor of `backend` with `workers` workers (`address`: a cluster to join;
    `gpus_per_worker`: GPUs each worker reserves)."""
    check_backend(backend, address)
    return EXECUTORS.get(backend).from_settings(workers, address, gpus_per_worker)
