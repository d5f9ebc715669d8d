"""Fault injection: a run killed with SIGKILL at random points of each stage, then resumed,
ends with exactly the tables of an uninterrupted run.

Each run is a forked child process (cheap to start, with the test doubles already imported).
The child carries its own fault: each time a unit of work starts (a variant, a model call, a
relation, the export) it reads its run store, and once the chosen stage has committed the
chosen number of units it arms a timer that SIGKILLs it a random few milliseconds later, so
the kill lands between or inside transactions. Where the fault is armed depends only on the
committed work, never on how fast the machine is (a watcher polling from outside missed short
stages under load). In the child, every unit of work and every model call sleeps a little,
which changes no result but widens the window a kill can hit.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import random
import signal
import sqlite3
import threading
import time
import traceback
from pathlib import Path

import pytest
from pipeline_doubles import examples, flipping_student, slow, teacher

from metacompress.pipeline import runner
from metacompress.pipeline.config import RunConfig, parse_config
from metacompress.rundir.exports import EXPORTS

N_EXAMPLES = 16
FOLLOWUPS = ["rename-locals", "for-to-while", "insert-dead-branch", {"combine": 2}]
STAGES = ("load", "variants", "inference", "relations", "final")


def config(out: Path) -> RunConfig:
    raw = {
        "cache": "run",  # every run calls its models: the inference stage is killed in a call
        "task": "vulnerability",
        "seed": 11,
        "data": {"format": "jsonl", "path": "given.jsonl"},
        "teacher": "teacher-double",
        "student": "student-double",
        "followups": FOLLOWUPS,
        "statistics": {"bootstrap": 100},
        "chunk_size": 2,
        "batch_size": 2,
        "output": str(out),
        "report": [],
    }
    return parse_config(raw, base_dir=out.parent)


def run(out: Path, resume: bool = False, sleep: float = 0.0, fault=None) -> runner.RunOutcome:
    check = fault.check if fault is not None else lambda: None
    models = {
        "teacher": slow(teacher(), sleep, check),
        "student": slow(flipping_student({"f3", "f4"}), sleep, check),
    }
    return runner.run_experiment(
        config(out), resume=resume, data=examples(N_EXAMPLES), models=models
    )


class Fault:
    """SIGKILL of this process `delay` seconds after the first unit of work that starts while
    its run is in `stage` with at least `threshold` units committed (see the module
    docstring). A unit that starts after the stage has ended arms it too, and leaves a
    `missed` file beside the run for the test to fail on."""

    def __init__(self, run_dir: Path, stage: str, threshold: int, delay: float) -> None:
        self.run_dir, self.stage, self.threshold = run_dir, stage, threshold
        self.killer = threading.Timer(delay, os.kill, (os.getpid(), signal.SIGKILL))

    def check(self) -> None:
        if self.killer.is_alive() or self.killer.finished.is_set():
            return
        now, count = progress(self.run_dir)
        if STAGES.index(now) > STAGES.index(self.stage):
            missed_marker(self.run_dir).write_text(f"missed stage {self.stage}: in {now}")
        elif now != self.stage or count < self.threshold:
            return
        self.killer.start()

    def wait(self) -> None:
        """Block until the kill (a run that ends first is killed after its end)."""
        if not self.killer.is_alive():
            self.killer.start()
        self.killer.join()


def missed_marker(run_dir: Path) -> Path:
    return run_dir.with_name(run_dir.name + ".missed")


def _child(out: Path, resume: bool, fault_at: tuple[str, int, float] | None = None) -> None:
    try:
        fault = Fault(out, *fault_at) if fault_at is not None else None
        check = fault.check if fault is not None else lambda: None
        if fault is not None and fault.stage == "load":
            fault.killer.start()
        make_variant, evaluate_relations = runner.make_variant, runner.evaluate_relations

        def slow_variant(unit):
            check()
            time.sleep(0.004)
            return make_variant(unit)

        def slow_relations(outputs, relations, student):
            check()
            time.sleep(0.05)
            return evaluate_relations(outputs, relations, student)

        export = runner.RunStore.export

        def slow_export(store, folder):
            check()
            time.sleep(0.1)  # a kill in "final" lands before, inside or after the export
            written = export(store, folder)
            time.sleep(0.15)
            return written

        runner.make_variant = slow_variant
        runner.evaluate_relations = slow_relations
        runner.RunStore.export = slow_export
        run(out, resume, sleep=0.01, fault=fault)
        if fault is not None:
            fault.wait()
    except BaseException:
        traceback.print_exc()
        os._exit(1)
    os._exit(0)


def tables(run_dir: Path) -> dict[str, bytes]:
    return {
        f"{t.name}.{ext}": (run_dir / "tables" / f"{t.name}.{ext}").read_bytes()
        for t in EXPORTS
        for ext in ("csv", "parquet")
    }


def progress(run_dir: Path) -> tuple[str, int]:
    """(stage the run is in, units committed in that stage), read while the run writes."""
    path = run_dir / "run.sqlite"
    if not path.exists():
        return "load", 0
    try:
        # closed at once: a connection left to the garbage collector would still be open in
        # the next forked run, which then shares SQLite's view of this process's locks
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
            done = {k for (k,) in db.execute("SELECT key FROM meta WHERE key LIKE 'done:%'")}
            if "done:load" not in done:
                return "load", 0
            if sum(1 for k in done if k.startswith("done:variants:")) < len(FOLLOWUPS):
                return "variants", db.execute("SELECT COUNT(*) FROM variants").fetchone()[0]
            if not {"done:inference:teacher", "done:inference:student"} <= done:
                return "inference", db.execute("SELECT COUNT(*) FROM outputs").fetchone()[0]
            relations = sum(1 for k in done if k.startswith("done:relations:"))
            if relations < len(FOLLOWUPS) + 3:  # the source, each follow-up, two pools
                return "relations", relations
            return "final", 0
    except sqlite3.Error:  # the schema is being created
        return "load", 0


def kill_inside(run_dir: Path, stage: str, rng: random.Random, resume: bool) -> None:
    """Run (or resume) the run and SIGKILL it at a random point inside `stage`."""
    threshold = {"load": 0, "variants": N_EXAMPLES + rng.randrange(50),
                 "inference": rng.randrange(70), "relations": rng.randrange(6),
                 "final": 0}[stage]  # fmt: skip
    delay = rng.uniform(0.0, 0.2) if stage in ("load", "final") else rng.uniform(0.0, 0.005)
    fault = (stage, threshold, delay)
    process = multiprocessing.get_context("fork").Process(
        target=_child, args=(run_dir, resume, fault)
    )
    process.start()
    process.join(120)
    if process.is_alive():
        process.kill()
        pytest.fail(f"the run with a fault in {stage} neither ended nor was killed")
    assert process.exitcode == -signal.SIGKILL, f"exit {process.exitcode} with a fault in {stage}"
    missed = missed_marker(run_dir)
    assert not missed.exists(), missed.read_text()


def resume_to_the_end(run_dir: Path) -> None:
    process = multiprocessing.get_context("fork").Process(target=_child, args=(run_dir, True))
    process.start()
    process.join(300)
    assert process.exitcode == 0


def test_killed_in_every_stage_and_resumed_gives_the_uninterrupted_tables(tmp_path):
    reference = tables(run(tmp_path / "reference").run_dir)
    rng = random.Random(20240611)
    run_dir = tmp_path / "killed"
    for i, stage in enumerate(STAGES):
        kill_inside(run_dir, stage, rng, resume=i > 0)
    resume_to_the_end(run_dir)
    assert tables(run_dir) == reference


@pytest.mark.parametrize("seed", range(3))
def test_killed_twice_in_one_stage(tmp_path, seed):
    reference = tables(run(tmp_path / "reference").run_dir)
    rng = random.Random(seed)
    run_dir = tmp_path / "killed"
    stage = ("variants", "inference", "relations")[seed]
    kill_inside(run_dir, stage, rng, resume=False)
    kill_inside(run_dir, stage, rng, resume=True)
    resume_to_the_end(run_dir)
    assert tables(run_dir) == reference


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(20))
def test_random_kills_in_random_stages(tmp_path, seed):
    reference = tables(run(tmp_path / "reference").run_dir)
    rng = random.Random(1000 + seed)
    run_dir = tmp_path / "killed"
    stages = sorted(rng.sample(STAGES, 3), key=STAGES.index)
    for i, stage in enumerate(stages):
        kill_inside(run_dir, stage, rng, resume=i > 0)
    resume_to_the_end(run_dir)
    assert tables(run_dir) == reference
