"""The Ray backend: units of work on a pool of Ray actors that hold the run's models.

`RayExecutor(workers, address)` is the distributed `Executor` (backend ``ray``; install the
optional extra ``metacompress[ray]``). Ray is imported only when the executor is first used.

Cluster: with `address` (``auto``, ``HOST:PORT`` or ``ray://HOST:PORT``) it joins that cluster;
without one it starts a local Ray instance with `workers` CPUs (no dashboard, worker output not
forwarded) and shuts it down on `close`. When Ray is already initialised in this process (a
notebook, a test fixture) that instance is used and left running. The workers of a cluster
import metacompress and load the models from their spec paths, so every node needs the package
and the model files at the same paths (a shared file system, or the ``runtime_env`` of
`init_options`).

Workers: `workers` actors (`num_cpus` CPUs and `num_gpus` GPUs each). An actor is created with
the models of `map_with_models` (the runner's cached teacher and student); a model loaded from a
spec pickles as its spec, so each actor loads the weights once and keeps them for every call.
The prediction cache travels as its file path: on one machine (or a shared file system) the
actors and the driver share the run's cache; on other nodes each keeps its own at that path,
which must then be writable there. A callable model must be importable in the workers (a
module-level function of an installed package); the run's results are only ever written by the
driver.

Dispatch: the units of one `map` call are cut into batches of ``ceil(n / (4 * workers))``
units; one batch is one actor call; each actor has at most `CALLS_IN_FLIGHT` calls queued, so a
free actor never waits for the driver. Results are yielded in unit order as soon as the batches
before them are back, so the runner commits while the actors go on.

Crashes: actors are created with ``max_restarts`` and ``max_task_retries`` = `retries`: when a
worker process dies, Ray starts a new one (the models load again) and re-runs the calls it had
not answered. A unit is a pure function of itself (its own seed; the prediction cache is
content-addressed), so a retried call returns what the lost one would have: results do not
depend on crashes, on the number of workers or on the backend. An actor that dies more than
`retries` times on the same calls is given up: `map` raises `WorkerLost` (a
`concurrent.futures.BrokenExecutor`, as a broken local process pool does) and the next call
starts fresh actors, so the runner can isolate the unit that kills its worker.

Counters: models with `counters()` (the prediction cache: queries, hits, misses) count inside
the actors; every call returns its increments, which are added to the driver's models, so a
run's summary counts the work of every worker.
"""

from __future__ import annotations

import math
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import BrokenExecutor
from typing import Any

from metacompress.errors import ConfigError
from metacompress.pipeline.executors.base import Executor, R, U, check_workers, executor

#: Calls queued per actor: one running, one waiting, so an actor never idles on the driver.
CALLS_IN_FLIGHT = 2
#: Batches per worker a `map` call is cut into (balances uneven units against call overhead).
BATCHES_PER_WORKER = 4
#: Restarts of a dead actor, and retries of the calls it lost.
RETRIES = 3


def counters_of(models: Any) -> dict[str, dict[str, int]]:
    """{name: model.counters()} for every model of a mapping that counts (e.g. a cache)."""
    if not isinstance(models, Mapping):
        return {}
    return {
        str(name): dict(model.counters())
        for name, model in models.items()
        if callable(getattr(model, "counters", None))
    }


def counter_increments(
    after: dict[str, dict[str, int]], before: dict[str, dict[str, int]]
) -> dict[str, dict[str, int]]:
    """after - before, per model and counter."""
    return {
        name: {key: value - before.get(name, {}).get(key, 0) for key, value in counts.items()}
        for name, counts in after.items()
    }


def add_counters(models: Any, increments: dict[str, dict[str, int]]) -> None:
    """Add a worker's counter increments to the driver's models (attributes of the same name)."""
    if not isinstance(models, Mapping):
        return
    for name, counts in increments.items():
        model = models.get(name)
        for key, value in counts.items():
            if model is not None and isinstance(getattr(model, key, None), int):
                setattr(model, key, getattr(model, key) + value)


class WorkerLost(BrokenExecutor):
    """A Ray actor died more often than its restarts allow; its calls are lost."""


class Worker:
    """The body of one Ray actor: the models it was created with, and a loop over units."""

    def __init__(self, models: Any = None) -> None:
        self.models = models

    def run(
        self, fn: Callable[..., Any], units: Sequence[Any], with_models: bool
    ) -> tuple[list[Any], dict[str, dict[str, int]]]:
        """fn(models, unit) (or fn(unit)) for each unit, and the counter increments."""
        before = counters_of(self.models)
        results = [fn(self.models, unit) if with_models else fn(unit) for unit in units]
        return results, counter_increments(counters_of(self.models), before)

    def pid(self) -> int:
        return os.getpid()


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ConfigError("the ray backend needs Ray: pip install 'metacompress[ray]'") from None
    return ray


@executor("ray", "Ray actors on a local Ray instance or a cluster, each holding both models")
class RayExecutor(Executor):
    """`workers` Ray actors on a local instance or the cluster at `address` (module docstring).

    `num_cpus` / `num_gpus`: resources each actor reserves; `retries`: restarts of a dead actor
    and retries of its lost calls; `init_options`: extra keyword arguments of ``ray.init``
    (e.g. ``runtime_env``) when this executor starts or joins Ray.
    """

    def __init__(
        self,
        workers: int = 1,
        address: str | None = None,
        *,
        num_cpus: float = 1.0,
        num_gpus: float = 0.0,
        retries: int = RETRIES,
        init_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.workers = check_workers(workers)
        self.model_workers = self.workers
        if address is not None and (not isinstance(address, str) or not address):
            raise ConfigError(f"ray address must be a non-empty string, got {address!r}")
        if num_cpus < 0 or num_gpus < 0:
            raise ConfigError(f"num_cpus and num_gpus must be >= 0, got {num_cpus}, {num_gpus}")
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ConfigError(f"retries must be an integer >= 0, got {retries!r}")
        self.address = address
        self.num_cpus = num_cpus
        self.num_gpus = num_gpus
        self.retries = retries
        self.init_options = dict(init_options or {})
        self._started = False
        self._actors: list[Any] = []
        self._models: Any = None

    @classmethod
    def from_settings(
        cls, workers: int, address: str | None = None, gpus_per_worker: float = 0.0
    ) -> RayExecutor:
        return cls(workers, address, num_gpus=gpus_per_worker)

    # -- connection and actors -----------------------------------------------------------------
    def _connect(self) -> Any:
        ray = _ray()
        if not ray.is_initialized():
            options: dict[str, Any] = {"log_to_driver": False, **self.init_options}
            if self.address is None:
                options.setdefault("num_cpus", max(1, math.ceil(self.workers * self.num_cpus)))
                options.setdefault("include_dashboard", False)
            ray.init(address=self.address, **options)
            self._started = True
        return ray

    def _pool(self, models: Any, keep_any: bool) -> list[Any]:
        """The actors; made anew when they hold other models than `models` (unless keep_any)."""
        if self._actors and (keep_any or self._models is models):
            return self._actors
        ray = self._connect()
        self._kill_actors(ray)
        _warn_if_short(ray, self.workers * self.num_cpus, self.workers * self.num_gpus)
        actor_class = ray.remote(
            num_cpus=self.num_cpus,
            num_gpus=self.num_gpus,
            max_restarts=self.retries,
            max_task_retries=self.retries,
        )(Worker)
        self._models = models
        self._actors = [actor_class.remote(models) for _ in range(self.workers)]
        return self._actors

    def _kill_actors(self, ray: Any) -> None:
        for actor in self._actors:
            ray.kill(actor)
        self._actors, self._models = [], None

    def worker_pids(self) -> list[int]:
        """The process id of every actor (starting them when needed)."""
        ray = self._connect()
        actors = self._pool(None, keep_any=True)
        return ray.get([actor.pid.remote() for actor in actors])

    # -- Executor ------------------------------------------------------------------------------
    def map(self, fn: Callable[[U], R], units: Sequence[U]) -> Iterator[R]:
        return self._dispatch(fn, units, None, with_models=False)

    def map_with_models(
        self, fn: Callable[[Any, U], R], units: Sequence[U], models: Any
    ) -> Iterator[R]:
        return self._dispatch(fn, units, models, with_models=True)

    def _dispatch(
        self, fn: Callable[..., R], units: Sequence[U], models: Any, with_models: bool
    ) -> Iterator[R]:
        units = list(units)
        if not units:
            return
        ray = self._connect()
        actors = self._pool(models, keep_any=not with_models)
        size = max(1, math.ceil(len(units) / (BATCHES_PER_WORKER * self.workers)))
        batches = [units[start : start + size] for start in range(0, len(units), size)]
        free = deque(actor for actor in actors for _ in range(CALLS_IN_FLIGHT))
        running: dict[Any, tuple[int, Any]] = {}
        finished: dict[int, Any] = {}
        sent = wanted = 0
        while wanted < len(batches):
            while free and sent < len(batches):
                actor = free.popleft()
                ref = actor.run.remote(fn, batches[sent], with_models)
                running[ref] = (sent, actor)
                sent += 1
            if wanted in finished:
                results, increments = finished.pop(wanted)
                add_counters(models, increments)
                wanted += 1
                yield from results
                continue
            ready, _ = ray.wait(list(running), num_returns=1)
            for ref in ready:
                index, actor = running.pop(ref)
                finished[index] = self._get(ray, ref)
                free.append(actor)

    def close(self) -> None:
        ray = _ray()
        if ray.is_initialized():
            self._kill_actors(ray)
            if self._started:
                ray.shutdown()
        self._actors, self._models = [], None
        self._started = False

    def _get(self, ray: Any, ref: Any) -> Any:
        """ray.get; a unit's own exception is re-raised as itself, a lost actor as WorkerLost
        (after which the next call starts fresh actors)."""
        try:
            return ray.get(ref)
        except ray.exceptions.RayTaskError as error:
            raise error.as_instanceof_cause() from None
        except ray.exceptions.RayActorError as error:
            self._kill_actors(ray)
            raise WorkerLost(
                f"a Ray worker died more than {self.retries} times on the same units: {error}"
            ) from error


def _warn_if_short(ray: Any, cpus: float, gpus: float) -> None:
    """Say so on stderr when the cluster has fewer resources in all than the actors reserve
    (they wait until it has them: until the autoscaler adds nodes, if there is one)."""
    total = ray.cluster_resources()
    if total.get("CPU", 0.0) < cpus or total.get("GPU", 0.0) < gpus:
        print(
            f"metacompress: the Ray cluster has {total.get('CPU', 0.0):g} CPUs and "
            f"{total.get('GPU', 0.0):g} GPUs; the workers reserve {cpus:g} and {gpus:g} and "
            "wait until it has them",
            file=sys.stderr,
        )
