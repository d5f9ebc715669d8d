"""Fault injection: a run killed with SIGKILL at random points of each stage, then resumed,
ends with exactly the tables of an uninterrupted run.

Each run is a forked child process (cheap to start, with the test doubles already imported);
the test watches the run store from outside and kills the child once the chosen stage has
committed a random number of units, so the kill lands between or inside transactions. In the
child, every unit of work and every model call sleeps a little, which changes no result but
makes each stage last long enough to be hit.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import random
import signal
import sqlite3
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


def run(out: Path, resume: bool = False, sleep: float = 0.0) -> runner.RunOutcome:
    models = {
        "teacher": slow(teacher(), sleep),
        "student": slow(flipping_student({"f3", "f4"}), sleep),
    }
    return runner.run_experiment(
        config(out), resume=resume, data=examples(N_EXAMPLES), models=models
    )


def _child(out: Path, resume: bool) -> None:
    try:
        make_variant, evaluate_relations = runner.make_variant, runner.evaluate_relations

        def slow_variant(unit):
            time.sleep(0.004)
            return make_variant(unit)

        def slow_relations(outputs, relations, student):
            time.sleep(0.05)
            return evaluate_relations(outputs, relations, student)

        export = runner.RunStore.export

        def slow_export(store, folder):
            time.sleep(0.1)  # a kill in "final" lands before, inside or after the export
            written = export(store, folder)
            time.sleep(0.15)
            return written

        runner.make_variant = slow_variant
        runner.evaluate_relations = slow_relations
        runner.RunStore.export = slow_export
        run(out, resume, sleep=0.01)
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
    """Start the run and SIGKILL it at a random point inside `stage`."""
    threshold = {"load": 0, "variants": N_EXAMPLES + rng.randrange(50),
                 "inference": rng.randrange(70), "relations": rng.randrange(6),
                 "final": 0}[stage]  # fmt: skip
    delay = rng.uniform(0.0, 0.2) if stage in ("load", "final") else 0.0
    process = multiprocessing.get_context("fork").Process(target=_child, args=(run_dir, resume))
    process.start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if not process.is_alive():
            pytest.fail(f"the run ended (exit {process.exitcode}) before its fault in {stage}")
        now, count = progress(run_dir)
        if now == stage and count >= threshold:
            time.sleep(delay)
            os.kill(process.pid, signal.SIGKILL)
            process.join()
            assert process.exitcode == -signal.SIGKILL
            return
        assert STAGES.index(now) <= STAGES.index(stage), f"missed stage {stage}: in {now}"
        time.sleep(0.001)
    process.kill()
    pytest.fail(f"stage {stage} never came")


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
