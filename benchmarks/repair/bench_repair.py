"""Repair a student with `metacompress repair`, measure it on held-out data, compare with MORPH.

    python benchmarks/repair/bench_repair.py --teacher T --student S --data TRAIN \
        --held-out HELD --task vulnerability|clone [--pairs P] [--held-out-pairs P] \
        [--limit N] [--held-out-limit N] [--budget B] [--rounds R] [--epochs E] \
        [--learning-rate LR] \
        [--weight K] [--morph --valid VALID [--valid-pairs P] | --morph-student M] \
        --work DIR --out results.json

1. `workflows.repair.repair` on TRAIN (the student's distillation data) gives the repaired
   student S2 (in DIR/repaired);
2. `workflows.repair_check.evaluate_repair` measures S2 against S on HELD: triggering inputs
   found with S, the share S2 now answers like the teacher, clean accuracy before and after,
   the search's cost after repair, induced violation rates before and after;
3. with `--morph`, a MORPH student (metamorphic augmentation during distillation,
   `distill("morph")`, budget tiny) is distilled from the same teacher on TRAIN with S's size
   as its target (DIR/morph), selecting its epochs on VALID, and measured by the same function
   in S2's place; `--morph-student M` measures a MORPH student distilled so before instead.
Wall and CPU time of each step are recorded (torch on one thread).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")


def timed(fn, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn(*args, **kwargs)
    return value, {"wall_s": round(time.perf_counter() - wall, 1),
                   "cpu_s": round(time.process_time() - cpu, 1)}  # fmt: skip


def size_mb(spec: str | Path) -> float:
    """Parameters x 4 bytes / 1e6 of a saved transformers student."""
    from metacompress.distill.finetune import load_trainable

    model, _, _, _ = load_trainable(spec)
    return sum(p.numel() for p in model.parameters()) * 4 / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("--teacher", "--student", "--data", "--held-out", "--work", "--out"):
        parser.add_argument(name, required=True)
    parser.add_argument("--task", required=True, choices=("vulnerability", "clone"))
    parser.add_argument("--pairs")
    parser.add_argument("--held-out-pairs")
    parser.add_argument("--valid", help="MORPH's validation data")
    parser.add_argument("--valid-pairs")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--held-out-limit", type=int)
    parser.add_argument("--budget", type=int, default=200)
    parser.add_argument("--weight", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--valid-share", type=float, default=0.2)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--temperature", type=float, default=1.0)
    parser.add_argument("--morph", action="store_true", help="also distil and measure MORPH")
    parser.add_argument("--morph-student", help="measure this MORPH student (distilled before)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.morph and not args.valid:
        parser.error("--morph needs --valid (MORPH selects its epochs on it)")

    import torch

    from metacompress.data.loaders import load_examples
    from metacompress.distill.api import distill
    from metacompress.distill.finetune import FinetuneSettings
    from metacompress.models import load_model
    from metacompress.workflows.repair import RepairSettings, repair
    from metacompress.workflows.repair_check import evaluate_repair

    torch.set_num_threads(1)
    work = Path(args.work)
    train = load_examples(
        args.data, args.task, limit=args.limit, seed=args.seed, pairs=args.pairs
    ).examples
    held = load_examples(
        args.held_out, args.task, limit=args.held_out_limit, seed=args.seed,
        pairs=args.held_out_pairs,
    ).examples  # fmt: skip
    teacher = load_model(args.teacher)
    settings = RepairSettings(
        budget=args.budget,
        rounds=args.rounds,
        weight=args.weight,
        valid_share=args.valid_share,
        finetune=FinetuneSettings(
            epochs=args.epochs,
            learning_rate=args.learning_rate,
            temperature=args.temperature,
            seed=args.seed,
        ),  # fmt: skip
        seed=args.seed,
    )
    record = {
        "teacher": args.teacher,
        "student": args.student,
        "data": args.data,
        "held_out": args.held_out,
        "task": args.task,
        "train_sources": len(train),
        "held_out_sources": len(held),
        "settings": settings.to_dict(),
        "student_size_mb": round(size_mb(args.student), 3),
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_before": os.getloadavg(),
        },
    }
    repaired, record["repair_time"] = timed(
        repair, teacher, args.student, train, args.task, work / "repaired", settings
    )
    record["repair"] = repaired.record
    record["repaired"], record["evaluation_time"] = timed(
        evaluate_repair, teacher, args.student, repaired.spec, held, args.task, settings
    )
    morph = args.morph_student
    if args.morph:
        valid = load_examples(args.valid, args.task, pairs=args.valid_pairs).examples
        result, record["morph_time"] = timed(
            distill, "morph", teacher, train, valid, args.task,
            work / "morph", size_mb=record["student_size_mb"], budget="tiny", seed=args.seed,
        )  # fmt: skip
        morph = result.student_spec
    if morph:
        record["morph_student"] = str(morph)
        record["morph_size_mb"] = round(size_mb(morph), 3)
        record["morph"], _ = timed(
            evaluate_repair, teacher, args.student, morph, held, args.task, settings
        )
    record["machine"]["load_average_after"] = os.getloadavg()
    Path(args.out).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    for key in ("repaired", "morph"):
        if key in record:
            e = record[key]
            print(
                f"{key}: repaired share {e['repaired_share']} of {e['triggering_inputs']}, "
                f"clean accuracy {e['clean_accuracy']}, queries per triggering input "
                f"{e['search_before']['queries_per_found']} -> "
                f"{e['search_after']['queries_per_found']}"
            )


if __name__ == "__main__":
    main()
