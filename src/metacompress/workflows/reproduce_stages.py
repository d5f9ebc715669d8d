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

Progress: one line per stage on stderr when it starts and when it ends, with its own wall time
and the workflow's elapsed time, flushed at once, so it shows in a log file or a pipe (not only
on a terminal); silent with `quiet`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from metacompress.atomic import write_atomic
from metacompress.errors import ConfigError

MANIFEST = "reproduce.json"
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
            elapsed = _clock(time.monotonic() - self.started)
            print(f"[{self.prefix} {elapsed}] {message}", file=sys.stderr, flush=True)

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
        key = fingerprint(name, inputs)
        done = self.stages.get(name)
        if done is not None and done.get("fingerprint") == key:
            self.say(f"{name}: reused (finished earlier in {_clock(done.get('seconds', 0))})")
            return key, done.get("outputs", {})
        if done is not None:
            changes = "; ".join(_differences(done.get("inputs"), inputs)) or "upstream stages"
            if not self.restart:
                raise ConfigError(
                    f"{self.out_dir}: stage {name} was made with other settings ({changes}); "
                    "give another --out, or --restart to redo it and the stages after it"
                )
            self.say(f"{name}: settings changed ({changes}); redoing it")
            del self.stages[name]
            self._write()
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
        self.say(f"{name}: started{' - ' + what if what else ''}")
        seed_globals(int(key[:8], 16))
        wall, cpu = time.monotonic(), time.process_time()
        outputs = work()
        seconds = time.monotonic() - wall
        self.stages[name] = {
            "fingerprint": key,
            "inputs": inputs,
            "outputs": outputs,
            "seconds": round(seconds, 2),
            "cpu_seconds": round(time.process_time() - cpu, 2),
        }
        self._write()
        self.say(f"{name}: done in {_clock(seconds)}")
        if self.on_done is not None:
            self.on_done(name)
        return key, outputs
