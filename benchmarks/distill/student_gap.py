"""Student-teacher accuracy gaps: what closes them (temperature, unlabelled data, epochs, ...).

    python benchmarks/distill/student_gap.py --data synthetic|shared --task vulnerability|clone
        --out DIR [--teacher SPEC | --teacher-budget demo|cpu] [--methods compressor avatar morph]
        [--config NAME:key=value,key=value ...] [--plans demo|cpu|paper] [--label NAME]
        [--threads 1]

The data are the task's splits (`metacompress.distill.task_data`): the shared CodeXGLUE files,
or the synthetic benchmark at the sizes of `presets.SYNTHETIC_SIZES`. The teacher is --teacher
or is trained with the teacher preset of --teacher-budget (once, in DIR/teacher). Each
--config names a setting; its keys are distiller parameters (temperature, epochs, size_mb,
budget, max_length, ...) plus `unlabelled` (how many unlabelled examples the student distils
on, a prefix of the unlabelled split); with --plans they change that budget's student plans
(`presets.student_plans`); --surrogate-examples changes how many examples AVATAR's and MORPH's
surrogate samples distil on (an experiment knob: their budgets cap it). Every (config, method) pair is one distillation into
DIR/NAME/METHOD; teacher and student are then scored on the test split through the model
layer. One JSON line per pair goes to benchmarks/distill/gap/LABEL.jsonl as it finishes:
test accuracy and F1 of both, the gap in points, test agreement, CPU and wall seconds, the
student's size and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import yaml

HERE = Path(__file__).resolve().parent
SHARED = Path(
    os.environ.get("METACOMPRESS_SHARED_DATA", HERE.parents[1] / ".." / "shared" / "data")
)
FOLDERS = {"vulnerability": "devign", "clone": "bigclonebench"}


def parse_config(text: str) -> tuple[str, dict]:
    name, _, body = text.partition(":")
    params = {}
    for item in filter(None, body.split(",")):
        key, _, value = item.partition("=")
        params[key.strip()] = yaml.safe_load(value)
    return name, params


def widen_surrogate_sets(n: int | None) -> None:
    """Every AVATAR/MORPH budget with its surrogate samples distilled on `n` examples."""
    from dataclasses import replace

    from metacompress.distill import avatar, morph

    for module in (avatar, morph):
        for name, budget in module.BUDGETS.items():
            module.BUDGETS[name] = replace(budget, max_train_examples=n)


def scores(probs: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    from metacompress.distill.training import classification_metrics

    metrics = classification_metrics(probs, labels)
    return {"accuracy": metrics["accuracy"], "f1": metrics["f1"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", choices=("synthetic", "shared"), required=True)
    parser.add_argument("--task", choices=sorted(FOLDERS), required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--teacher")
    parser.add_argument("--teacher-budget", default="demo")
    parser.add_argument("--arch", default="roberta")
    parser.add_argument("--methods", nargs="+", default=["compressor", "avatar", "morph"])
    parser.add_argument("--config", action="append", default=[])
    parser.add_argument("--plans", choices=["demo", "cpu", "paper"], default=None)
    parser.add_argument(
        "--surrogate-examples",
        type=int,
        default=None,
        help="AVATAR/MORPH: distil the surrogate samples on this many examples (0: all) "
        "instead of the budget's cap",
    )
    parser.add_argument("--label", default="run")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import torch

    from metacompress.distill import distill
    from metacompress.distill.presets import SYNTHETIC_SIZES, student_plans, teacher_preset
    from metacompress.distill.task_data import load_task_data, synthetic_task_data
    from metacompress.distill.teacher import train_teacher
    from metacompress.models import load_model, predict

    torch.set_num_threads(args.threads)
    if args.surrogate_examples is not None:
        widen_surrogate_sets(args.surrogate_examples or None)
    if args.data == "synthetic":
        data = synthetic_task_data(args.task, *SYNTHETIC_SIZES[args.task], seed=args.seed)
    else:
        data = load_task_data(args.task, SHARED / FOLDERS[args.task], seed=args.seed)
    teacher = (
        Path(args.teacher) if args.teacher else args.out / "teacher" / "metacompress-model.yaml"
    )
    if not teacher.is_file():
        started = time.process_time()
        teacher = train_teacher(
            data.labelled, data.valid, args.task, teacher.parent, arch=args.arch, seed=args.seed,
            preset=teacher_preset(args.teacher_budget, args.task, args.arch),
            pretrain_codes=data.pretrain_codes,
        )  # fmt: skip
        print(f"teacher trained in {time.process_time() - started:.0f} CPU s", flush=True)
    labels = np.array([e.label for e in data.test])
    inputs = [e.inputs for e in data.test]
    teacher_probs = predict(load_model(teacher), inputs).probs
    teacher_scores = scores(teacher_probs, labels)
    print(f"teacher test {teacher_scores}", flush=True)
    log = HERE / "gap" / f"{args.label}.jsonl"
    log.parent.mkdir(exist_ok=True)
    for name, config in map(parse_config, args.config or ["default:"]):
        config = dict(config)
        n_unlabelled = config.pop("unlabelled", None)
        unlabelled = data.unlabelled[:n_unlabelled] if n_unlabelled else data.unlabelled
        for method in args.methods:
            params = dict(config)
            out = args.out / name / method
            if args.plans:
                plan = {p.method: p for p in student_plans(args.plans, args.task)}[method]
                params = {**plan.params, **params}
            cpu0, wall0, load0 = time.process_time(), time.time(), os.getloadavg()[0]
            result = distill(method, teacher, unlabelled, data.valid, args.task, out,
                             seed=args.seed, **params)  # fmt: skip
            cpu, wall = time.process_time() - cpu0, time.time() - wall0
            student_probs = predict(load_model(result.student_spec), inputs).probs
            student_scores = scores(student_probs, labels)
            record = {
                "config": name,
                "params": params,
                "unlabelled": len(unlabelled),
                "method": method,
                "task": args.task,
                "data": args.data,
                "teacher": str(teacher),
                "teacher_test": teacher_scores,
                "student_test": student_scores,
                "gap_points": round(
                    100 * (teacher_scores["accuracy"] - student_scores["accuracy"]), 2
                ),
                "test_agreement": float(
                    (student_probs.argmax(1) == teacher_probs.argmax(1)).mean()
                ),
                "size_mb": round(result.size_mb, 3),
                "student_config": result.config,
                "cpu_s": round(cpu, 1),
                "wall_s": round(wall, 1),
                "load_average": [round(load0, 2), round(os.getloadavg()[0], 2)],
                "command": " ".join(["python", *sys.argv]),
            }
            with log.open("a") as handle:
                handle.write(json.dumps(record) + "\n")
            print(
                json.dumps(
                    {
                        k: record[k]
                        for k in ("config", "method", "gap_points", "test_agreement", "cpu_s")
                    }
                ),
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
