"""`metacompress demo`: the whole workflow offline, on the built-in synthetic benchmark.

1. generate seeded synthetic C functions (vulnerable / safe counterparts, `data.synth`) and
   split them: test inputs for the evaluation, validation inputs, and a training set whose
   labelled half fine-tunes the teacher and whose unlabelled half is used for distillation
   (as Compressor, AVATAR and MORPH split it);
2. train a small RoBERTa teacher from scratch, masked-LM pre-training first (`distill.teacher`);
3. distil a student with the Compressor method at the `tiny` search budget;
4. write an experiment config and run MetaCompress on the test inputs: every catalogue
   transformation, 2-step combinations and the MHM attack against both models, every relation,
   one release gate on the induced disagreement; the reports land in the run directory.

Every step writes into `out_dir`; a step whose result is already there is not redone, so an
interrupted demo continues where it stopped.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

TASK = "vulnerability"
#: Sizes of the demo's data: enough for a teacher to learn the patterns, small enough for
#: the whole demo to finish within minutes on 2 CPU cores. Half of N_TRAIN is labelled for the
#: teacher (the tiny teacher reached 0.83 validation accuracy from 1,600 labelled functions in
#: 94 s, and stayed at chance from 400); the distillation uses N_UNLABELLED of the other half.
N_TRAIN, N_VALID, N_TEST, N_UNLABELLED = 3200, 100, 60, 800
#: The demo's student: a 1 MB Compressor student with a 128-token block (the synthetic
#: functions are short), so that distillation takes minutes, not the hour a 3 MB student with
#: Compressor's 400-token block takes on 2 CPU cores.
STUDENT_SIZE_MB, STUDENT_BLOCK = 1.0, 128


@dataclass(frozen=True)
class DemoResult:
    """Where the demo put its teacher, student, config and run directory."""

    teacher_spec: Path
    student_spec: Path
    config: Path
    run_dir: Path
    passed: bool


def _say(message: str, quiet: bool) -> None:
    if not quiet:
        print(f"[demo] {message}", file=sys.stderr, flush=True)


def _split(seed: int):
    from metacompress.data.synth import generate

    examples = generate(TASK, N_TRAIN + N_VALID + N_TEST, seed=seed)
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    shuffled = [examples[i] for i in order]
    return shuffled[:N_TRAIN], shuffled[N_TRAIN : N_TRAIN + N_VALID], shuffled[N_TRAIN + N_VALID :]


def demo_config(test_file: Path, teacher: Path, student: Path, run_dir: Path, seed: int) -> dict:
    """The experiment config of the demo (paths relative to the config's folder)."""
    base = run_dir.parent
    return {
        "task": TASK,
        "seed": seed,
        "data": {"format": "jsonl", "path": str(test_file.relative_to(base))},
        "teacher": str(teacher.relative_to(base)),
        "student": str(student.relative_to(base)),
        "followups": [
            "all",
            {"combine": 2},
            {
                "attack": "mhm",
                "against": "both",
                "params": {"max_iterations": 15, "n_candidates": 8, "budget": 80},
            },
        ],
        "relations": "all",
        "gates": [
            {
                "relation": "prediction-agreement",
                "followup": "transformations",
                "measure": "induced",
                "max_violation": 0.25,
            }
        ],
        "statistics": {"bootstrap": 1000},
        "output": str(run_dir.relative_to(base)),
    }


def run_demo(out_dir: str | Path = "demo-run", seed: int = 0, quiet: bool = False) -> DemoResult:
    """Run the demo into `out_dir` (see the module docstring)."""
    from metacompress.data.export import write_jsonl
    from metacompress.distill.api import distill, split_labelled_unlabelled, train_teacher
    from metacompress.pipeline.config import load_config
    from metacompress.pipeline.runner import run_experiment

    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    train, valid, test = _split(seed)
    labelled, unlabelled = split_labelled_unlabelled(train, seed=seed)
    unlabelled = unlabelled[:N_UNLABELLED]
    test_file = out / "data" / "test.jsonl"
    test_file.parent.mkdir(parents=True, exist_ok=True)
    write_jsonl(test, test_file, TASK)

    teacher_spec = out / "models" / "teacher" / "metacompress-model.yaml"
    if not teacher_spec.is_file():
        _say(f"training a teacher on {len(labelled)} synthetic C functions", quiet)
        teacher_spec = train_teacher(
            labelled, valid, TASK, teacher_spec.parent, preset="tiny", seed=seed
        )
    student_spec = out / "models" / "student" / "metacompress-model.yaml"
    if not student_spec.is_file():
        _say(
            f"distilling a {STUDENT_SIZE_MB:g} MB student (Compressor, tiny budget) on {len(unlabelled)} unlabelled functions",
            quiet,
        )
        result = distill(
            "compressor",
            teacher_spec,
            unlabelled,
            valid,
            TASK,
            student_spec.parent,
            size_mb=STUDENT_SIZE_MB,
            budget="tiny",
            seed=seed,
            max_length=STUDENT_BLOCK,
        )
        student_spec = result.student_spec
        _say(f"student: {result.size_mb:.2f} MB, {result.parameters:,} parameters", quiet)

    run_dir = out / "run"
    config_path = out / "demo.yaml"
    config_path.write_text(
        yaml.safe_dump(
            demo_config(test_file, teacher_spec, student_spec, run_dir, seed), sort_keys=False
        ),
        encoding="utf-8",
    )
    _say(
        f"evaluating teacher and student on {len(test)} test functions and their follow-ups", quiet
    )
    resume = (run_dir / "run.sqlite").is_file()
    outcome = run_experiment(load_config(config_path), resume=resume)
    return DemoResult(teacher_spec, student_spec, config_path, run_dir, outcome.passed)
