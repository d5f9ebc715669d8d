"""Learning curve of one teacher on the shared data: validation metric against training CPU
minutes and wall minutes, then the kept teacher's test metrics through the model layer.

    python benchmarks/paper/teacher_curve.py --task vulnerability|clone [--arch roberta]
        --out DIR [--preset cpu] [--SETTING VALUE ...] [--threads 1] [--resume]

The teacher trains on the labelled half (Devign: half of train.jsonl; BigCloneBench:
train.txt), pre-trains on all the task's unlabelled code (Devign: all of train.jsonl;
BigCloneBench: every function of data.jsonl), validates on valid (a seeded sample of
--valid-limit) and is tested on the whole test split (2,732 functions / 4,000 pairs).
`--preset` starts from a budget preset of `metacompress.distill.presets` (or a teacher size
preset: tiny, small, base); every other option overrides one field of it. DIR gets the
teacher, `train.log` (one line per evaluation) and `result.json` (settings, both learning
curves, test metrics, CPU and wall time, peak memory, the load average during the run);
with --record NAME the result is also stored as benchmarks/paper/teachers/NAME.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = Path(
    os.environ.get("METACOMPRESS_SHARED_DATA", HERE.parents[1] / ".." / "shared" / "data")
)
FOLDERS = {"vulnerability": "devign", "clone": "bigclonebench"}


def main() -> int:
    from metacompress.distill.teacher import TeacherPreset

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", required=True, choices=sorted(FOLDERS))
    parser.add_argument("--arch", default="roberta", choices=("roberta", "graphcodebert"))
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--preset", default="cpu")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-mlm", action="store_true")
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--train-limit", type=int, default=0, help="labelled examples (0: all)")
    parser.add_argument("--record", help="also write benchmarks/paper/teachers/NAME.json")
    for f in dataclasses.fields(TeacherPreset):
        kind = {"int": int, "float": float}[str(f.type)]
        parser.add_argument("--" + f.name.replace("_", "-"), dest=f.name, type=kind)
    args = parser.parse_args()

    import torch

    from metacompress.distill.presets import teacher_preset
    from metacompress.distill.task_data import load_task_data
    from metacompress.distill.teacher import PRESETS, train_teacher
    from metacompress.distill.training import classification_metrics
    from metacompress.models import load_model, predict

    torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=args.out / "train.log", level=logging.INFO, format="%(asctime)s %(message)s"
    )
    started_wall, started_cpu = time.time(), time.process_time()
    load0 = os.getloadavg()
    data = load_task_data(args.task, SHARED / FOLDERS[args.task], seed=args.seed)
    preset = (
        PRESETS[args.preset]
        if args.preset in PRESETS
        else teacher_preset(args.preset, args.task, args.arch)
    )
    overrides = {
        f.name: getattr(args, f.name)
        for f in dataclasses.fields(TeacherPreset)
        if getattr(args, f.name) is not None
    }
    preset = dataclasses.replace(preset, **overrides)
    train = data.labelled
    if args.train_limit:
        train = train[: args.train_limit]
    logging.info("data %s; preset %s", data.summary(), preset)
    spec = train_teacher(
        train,
        data.valid,
        args.task,
        args.out / "teacher",
        preset=preset,
        mlm_pretrain=not args.no_mlm,
        seed=args.seed,
        arch=args.arch,
        pretrain_codes=data.pretrain_codes,
        resume=args.resume,
    )
    train_cpu = time.process_time() - started_cpu
    train_wall = time.time() - started_wall
    import numpy as np

    model = load_model(spec)
    test_started = time.process_time()
    probs = predict(model, [e.inputs for e in data.test]).probs
    labels = np.array([e.label for e in data.test])
    test = classification_metrics(probs, labels)
    metrics = json.loads((spec.parent / "metrics.json").read_text())
    result = {
        "task": args.task,
        "arch": args.arch,
        "command": " ".join(["python", *sys.argv]),
        "threads": args.threads,
        "settings": dataclasses.asdict(preset),
        "data": data.summary(),
        "train_examples": len(train),
        "parameters": metrics["parameters"],
        "stopped": metrics["stopped"],
        "train_cpu_minutes": round(train_cpu / 60, 2),
        "train_wall_minutes": round(train_wall / 60, 2),
        "test_cpu_seconds": round(time.process_time() - test_started, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_average": {"start": load0, "end": os.getloadavg()},
        "test": test,
        "curves": metrics["history"],
    }
    (args.out / "result.json").write_text(json.dumps(result, indent=1))
    if args.record:
        folder = HERE / "teachers"
        folder.mkdir(exist_ok=True)
        (folder / f"{args.record}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps({k: result[k] for k in ("test", "train_cpu_minutes", "stopped")}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
