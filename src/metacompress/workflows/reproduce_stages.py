"""Resumable stages of a long workflow: a manifest of finished stages, fingerprinted inputs.

A workflow is a sequence of named stages, each writing into its own folder of the output
directory. `StageBook` keeps `reproduce.json` in that directory (written atomically after each
stage) with, per finished stage, its fingerprint, what it produced and how long it took.

Rule for each stage `name` with inputs `inputs` (plain JSON values: the budget's settings for
the stage and the fingerprints of the stages it reads):
- fingerprint = sha256 of the canonical JSON of (name, inputs);
- recorded as done with the same fingerprint -> reused, not redone ("reused" progress line);
- recorded with another fingerprint (a changed budget, seed or upstream stage) -> refused with
  a ConfigError naming the stage and the settings that differ, unless `restart` is set, in
  which case its folder is removed and the stage redone (and with it every stage downstream,
  whose inputs hold this fingerprint);
- not recorded -> run; the stage may find its own partial output (checkpoints) and continue.
A stage is recorded only once it has returned, so a workflow killed anywhere continues with the
first unfinished stage. Each stage starts with the global random generators (Python's, NumPy's
legacy one, torch's) seeded from its fingerprint, so what it makes does not depend on which
stages ran before it in the same process (a resumed run skips some).

Independent stages (`run_all`, e.g. the teachers of several tasks, or the students of one
teacher) may run up to `jobs` at a time, each in a fresh spawned process with this process's
torch thread count; each is recorded by this process as soon as it returns, so a kill keeps
every stage that finished. A stage that raises ends the others (their processes are killed,
they are not recorded; a resumed run continues them from their checkpoints), and a worker
dies with this process (`PR_SET_PDEATHSIG`), so no stage keeps writing into a folder that a
resumed run is using. A stage's result does not depend on where it runs: it is seeded from
its fingerprint and its job carries every setting it reads.

Progress: one line per stage on stderr when it starts and when it ends, with its own wall time
and the workflow's elapsed time, flushed at once, so it shows in a log file or a pipe (not only
on a terminal); and while a stage runs, in its process, each evaluation record of training
(logger `metacompress.distill`: step, loss, validation metrics, CPU seconds) as a line of the
same form, so an hour-long teacher shows its learning curve as it goes. Silent with `quiet`.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import json
import logging
import multiprocessing
import multiprocessing.connection
import shutil
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metacompress.atomic import write_atomic
from metacompress.errors import ConfigError

MANIFEST = "reproduce.json"
#: The logger training writes its evaluation records to (`distill.training`).
TRAINING_LOG = "metacompress.distill"
FORMAT = 1


def fingerprint(name: str, inputs: Any) -> str:
    """sha256 of the canonical JSON of (name, inputs)."""
    text = json.dumps([name, inputs], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seed_globals(seed: int) -> None:
    """Seed Python's, NumPy's legacy and torch's global random generators."""
    import random

    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_line(prefix: str, started: float, message: str) -> None:
    """One progress line on stderr: the workflow's elapsed time since `started` (a
    `time.monotonic()` value, which is the same clock in every process) and `message`."""
    print(f"[{prefix} {_clock(time.monotonic() - started)}] {message}", file=sys.stderr, flush=True)


class _TrainingLines(logging.Handler):
    """The training log's records as progress lines of one stage."""

    def __init__(self, prefix: str, started: float, stage: str) -> None:
        super().__init__(logging.INFO)
        self.prefix, self.started, self.stage = prefix, started, stage

    def emit(self, record: logging.LogRecord) -> None:
        progress_line(self.prefix, self.started, f"{self.stage}: {record.getMessage()}")


@contextlib.contextmanager
def training_lines(progress: tuple[str, float, str] | None) -> Iterator[None]:
    """While it is open, training's evaluation records become progress lines of the stage
    `progress` = (prefix, started, stage name) names; nothing when `progress` is None."""
    if progress is None:
        yield
        return
    logger = logging.getLogger(TRAINING_LOG)
    handler, level = _TrainingLines(*progress), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@dataclass(frozen=True)
class Stage:
    """A stage for `StageBook.run_all`: `job()` does it and returns plain JSON values; to run
    in a worker process it must be picklable (a module-level function, or a partial of one,
    with every setting it reads among its arguments)."""

    name: str
    inputs: Any
    folder: Path | None
    job: Callable[[], dict[str, Any]]
    what: str = ""


def _worker_setup(threads: int) -> None:
    """In a worker process: die with the parent (Linux), use the parent's torch threads."""
    import torch

    name = ctypes.util.find_library("c")
    if sys.platform.startswith("linux") and name is not None:
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(name).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL))
    torch.set_num_threads(threads)


def _work_in_worker(task: tuple) -> tuple[int, dict[str, Any], float, float]:
    """Run one stage's job in a worker: (its index, outputs, wall seconds, CPU seconds)."""
    index, job, seed, progress, what = task
    if progress is not None:
        progress_line(progress[0], progress[1], f"{progress[2]}: started{what} (in its own process)")
    seed_globals(seed)
    wall, cpu = time.monotonic(), time.process_time()
    with training_lines(progress):
        outputs = job()
    return index, outputs, time.monotonic() - wall, time.process_time() - cpu


def _worker_main(connection: Any, task: tuple, threads: int) -> None:
    """A worker process: run `task`, send ("ok", result) or ("error", the exception)."""
    try:
        _worker_setup(threads)
        connection.send(("ok", _work_in_worker(task)))
    except BaseException as error:  # the caller re-raises it
        try:
            connection.send(("error", error))
        except Exception:  # an exception that does not pickle
            connection.send(("error", RuntimeError(traceback.format_exc())))
    finally:
        connection.close()


def _run_in_workers(
    tasks: Sequence[tuple], jobs: int, threads: int, on_result: Callable[[tuple], None]
) -> None:
    """Run `tasks` in spawned processes, `jobs` at a time, calling `on_result` here with each
    result as it comes; on any exception (a stage's, or `on_result`'s) every worker still
    running is killed and the exception raised."""
    context = multiprocessing.get_context("spawn")
    waiting = list(tasks)
    running: dict[Any, Any] = {}
    try:
        while waiting or running:
            while waiting and len(running) < jobs:
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=_worker_main, args=(send, waiting.pop(0), threads))
                process.start()
                send.close()
                running[receive] = process
            for connection in multiprocessing.connection.wait(list(running)):
                process = running.pop(connection)
                try:
                    status, value = connection.recv()
                except EOFError:
                    status, value = "error", None
                process.join()
                if status == "error":
                    raise value or RuntimeError(
                        f"a stage's worker process died (exit status {process.exitcode})"
                    )
                on_result(value)
    finally:
        for process in running.values():
            process.kill()
            process.join()


def _differences(old: Any, new: Any, path: str = "") -> list[str]:
    """The leaves where two JSON values differ, as `path: old -> new`."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in sorted(set(old) | set(new)):
            found += _differences(old.get(key), new.get(key), f"{path}.{key}" if path else key)
        return found
    return [] if old == new else [f"{path or 'inputs'}: {old!r} -> {new!r}"]


class StageBook:
    """The manifest of one workflow directory (see the module docstring)."""

    def __init__(
        self,
        out_dir: Path,
        prefix: str = "reproduce",
        quiet: bool = False,
        restart: bool = False,
        on_done: Callable[[str], None] | None = None,
    ) -> None:
        self.out_dir = out_dir
        self.path = out_dir / MANIFEST
        self.prefix = prefix
        self.quiet = quiet
        self.restart = restart
        self.on_done = on_done
        self.started = time.monotonic()
        self.stages: dict[str, dict[str, Any]] = self._read()

    def _read(self) -> dict[str, dict[str, Any]]:
        if not self.path.is_file():
            return {}
        try:
            record = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ConfigError(
                f"{self.path}: not a readable stage manifest ({error}); "
                "remove it to start this directory afresh"
            ) from error
        if not isinstance(record, dict) or record.get("format") != FORMAT:
            raise ConfigError(f"{self.path}: not a stage manifest of format {FORMAT}")
        return dict(record.get("stages", {}))

    def _write(self) -> None:
        record = {"format": FORMAT, "stages": self.stages}
        write_atomic(self.path, json.dumps(record, indent=1, sort_keys=True) + "\n")

    def say(self, message: str) -> None:
        if not self.quiet:
            progress_line(self.prefix, self.started, message)

    def run(
        self,
        name: str,
        inputs: Any,
        folder: Path | None,
        work: Callable[[], dict[str, Any]],
        what: str = "",
    ) -> tuple[str, dict[str, Any]]:
        """Run (or reuse) stage `name`; returns (its fingerprint, what `work` returned).

        `folder` is the stage's output folder (removed on `restart` of a changed stage);
        `work()` does the stage and returns plain JSON values (e.g. relative paths, metrics).
        """
        return self.run_all([Stage(name, inputs, folder, work, what)])[name]

    def run_all(self, stages: Sequence[Stage], jobs: int = 1) -> dict[str, tuple[str, dict]]:
        """Run (or reuse) independent stages, up to `jobs` at a time in worker processes when
        `jobs` > 1 (see the module docstring); returns {name: (fingerprint, outputs)}."""
        results: dict[str, tuple[str, dict]] = {}
        pending: list[tuple[Stage, str]] = []
        for stage in stages:
            key, reused = self._prepare(stage)
            if reused is None:
                pending.append((stage, key))
            else:
                results[stage.name] = (key, reused)
        if jobs <= 1 or len(pending) <= 1:
            for stage, key in pending:
                self.say(f"{stage.name}: started{' - ' + stage.what if stage.what else ''}")
                seed_globals(int(key[:8], 16))
                wall, cpu = time.monotonic(), time.process_time()
                with training_lines(self._progress(stage)):
                    outputs = stage.job()
                results[stage.name] = (key, outputs)
                self._record(stage, key, outputs, time.monotonic() - wall, time.process_time() - cpu)
            return results
        import torch

        def record(result: tuple) -> None:
            index, outputs, seconds, cpu = result
            stage, key = pending[index]
            results[stage.name] = (key, outputs)
            self._record(stage, key, outputs, seconds, cpu)

        tasks = [(i, stage.job, int(key[:8], 16), self._progress(stage),
                  f" - {stage.what}" if stage.what else "")
                 for i, (stage, key) in enumerate(pending)]  # fmt: skip
        _run_in_workers(tasks, jobs, torch.get_num_threads(), record)
        return results

    def _progress(self, stage: Stage) -> tuple[str, float, str] | None:
        """(prefix, start, stage name) of the stage's progress lines; None when quiet."""
        return None if self.quiet else (self.prefix, self.started, stage.name)

    def _prepare(self, stage: Stage) -> tuple[str, dict[str, Any] | None]:
        """(fingerprint, recorded outputs when the stage is reused, else None); refuses or
        clears a stage recorded with other inputs."""
        key = fingerprint(stage.name, stage.inputs)
        done = self.stages.get(stage.name)
        if done is not None and done.get("fingerprint") == key:
            seconds = _clock(done.get("seconds", 0))
            self.say(f"{stage.name}: reused (finished earlier in {seconds})")
            return key, done.get("outputs", {})
        if done is not None:
            changes = "; ".join(_differences(done.get("inputs"), stage.inputs)) or "upstream stages"
            if not self.restart:
                raise ConfigError(
                    f"{self.out_dir}: stage {stage.name} was made with other settings "
                    f"({changes}); give another --out, or --restart to redo it and the stages "
                    "after it"
                )
            self.say(f"{stage.name}: settings changed ({changes}); redoing it")
            del self.stages[stage.name]
            self._write()
            if stage.folder is not None:
                shutil.rmtree(stage.folder, ignore_errors=True)
        return key, None

    def _record(
        self, stage: Stage, key: str, outputs: dict[str, Any], seconds: float, cpu: float
    ) -> None:
        self.stages[stage.name] = {
            "fingerprint": key,
            "inputs": stage.inputs,
            "outputs": outputs,
            "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2),
        }
        self._write()
        self.say(f"{stage.name}: done in {_clock(seconds)}")
        if self.on_done is not None:
            self.on_done(stage.name)
