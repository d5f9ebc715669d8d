"""Distillation benchmark on Devign: a teacher trained with MetaCompress, then Compressor, AVATAR
and MORPH students, each measured for size, test accuracy, agreement with the teacher and CPU
inference speed-up over the teacher.

    python benchmarks/distill/run.py [--dataset devign|synthetic] [--data ../shared/data/devign]
        [--out /tmp/mc-distill-bench]
        [--train 1200] [--valid 150] [--test 300] [--max-length 128] [--teacher-preset small]
        [--budget small] [--size-mb 3] [--methods compressor avatar morph] [--seed 0]

Writes `results-DATASET.json` and `results-DATASET.md` next to this file (models under --out).
`--dataset synthetic` uses `metacompress.data.synth` (train, valid and test drawn with seeds
seed, seed+1, seed+2) instead of Devign files.
Timings are wall-clock on the machine that runs it, with torch limited to --threads threads.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = (
    Path(os.environ.get("METACOMPRESS_SHARED_DATA", HERE.parents[1] / ".." / "shared" / "data"))
    / "devign"
)


def load(path: Path, limit: int, seed: int):
    from metacompress.data.loaders import load_examples

    loaded = load_examples(path, "vulnerability", limit=limit, seed=seed)
    return loaded.examples, len(loaded.skipped)


def inference_seconds(spec, inputs, repeats: int = 2) -> float:
    """Best-of-`repeats` wall time to predict `inputs` through the model layer (after warm-up)."""
    from metacompress.models import load_model, predict

    model = load_model(spec)
    predict(model, inputs[:8])
    best = np.inf
    for _ in range(repeats):
        started = time.perf_counter()
        predict(model, inputs)
        best = min(best, time.perf_counter() - started)
    return float(best)


def teacher_gflops(folder: Path) -> float:
    """The teacher's forward GFLOPs at its max_length, by the same analytic model."""
    from metacompress.distill.size import StudentArch, flops

    config = json.loads((folder / "config.json").read_text())
    arch = StudentArch(
        config["vocab_size"],
        config["num_hidden_layers"],
        config["hidden_size"],
        config["intermediate_size"],
        config["num_attention_heads"],
        max_length=config["max_position_embeddings"] - 2,
        type_vocab_size=config["type_vocab_size"],
    )
    return flops(arch).total / 1e9


def evaluate(spec, examples, teacher_pred=None) -> dict:
    from metacompress.models import load_model, predict

    probs = predict(load_model(spec), [e.inputs for e in examples]).probs
    pred = probs.argmax(axis=1)
    labels = np.array([e.label for e in examples])
    out = {"test_accuracy": float((pred == labels).mean())}
    tp = float(((pred == 1) & (labels == 1)).sum())
    precision = tp / max(float((pred == 1).sum()), 1.0)
    recall = tp / max(float((labels == 1).sum()), 1.0)
    out["test_f1"] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    if teacher_pred is not None:
        out["test_agreement"] = float((pred == teacher_pred).mean())
    return out, pred


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=("devign", "synthetic"), default="devign")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=Path("/tmp/mc-distill-bench"))
    parser.add_argument("--train", type=int, default=1200)
    parser.add_argument("--valid", type=int, default=150)
    parser.add_argument("--test", type=int, default=300)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--teacher-preset", default="small")
    parser.add_argument("--teacher-epochs", type=int, default=4)
    parser.add_argument("--budget", default="small")
    parser.add_argument("--size-mb", type=float, default=3.0)
    parser.add_argument("--methods", nargs="+", default=["compressor", "avatar", "morph"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import torch

    from metacompress.distill import distill, split_labelled_unlabelled, train_teacher
    from metacompress.progress import set_quiet

    set_quiet(True)
    torch.set_num_threads(args.threads)
    started = time.time()
    if args.dataset == "devign":
        train, skipped_train = load(args.data / "train.jsonl.xz", args.train, args.seed)
        valid, _ = load(args.data / "valid.jsonl.xz", args.valid, args.seed)
        test, _ = load(args.data / "test.jsonl.xz", args.test, args.seed)
    else:
        from metacompress.data.synth import generate

        train, skipped_train = generate("vulnerability", args.train, args.seed), 0
        valid = generate("vulnerability", args.valid, args.seed + 1)
        test = generate("vulnerability", args.test, args.seed + 2)
    labelled, unlabelled = split_labelled_unlabelled(train, args.seed)
    record: dict = {
        "command": "python benchmarks/distill/run.py "
        + " ".join(
            f"--{k.replace('_', '-')} {v}"
            for k, v in vars(args).items()
            if k not in ("data", "out", "methods")
        )
        + " --methods "
        + " ".join(args.methods),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, torch threads {args.threads}",
        "data": {
            "train": len(train),
            "labelled": len(labelled),
            "unlabelled": len(unlabelled),
            "valid": len(valid),
            "test": len(test),
            "skipped_train_rows": skipped_train,
        },
    }
    t0 = time.time()
    teacher = train_teacher(
        labelled,
        valid,
        "vulnerability",
        args.out / "teacher",
        preset=args.teacher_preset,
        epochs=args.teacher_epochs,
        mlm_epochs=1,
        max_length=args.max_length,
        seed=args.seed,
    )
    teacher_metrics = json.loads((teacher.parent / "metrics.json").read_text())
    inputs = [e.inputs for e in test]
    teacher_eval, teacher_pred = evaluate(teacher, test)
    teacher_seconds = inference_seconds(teacher, inputs)
    record["teacher"] = {
        "preset": args.teacher_preset,
        "gflops": teacher_gflops(teacher.parent),
        "parameters": teacher_metrics["parameters"],
        "size_mb": teacher_metrics["parameters"] * 4 / 1e6,
        "train_seconds": round(time.time() - t0, 1),
        "inference_seconds": teacher_seconds,
        **teacher_eval,
    }
    print("teacher", record["teacher"], flush=True)
    record["students"] = {}
    for method in args.methods:
        t0 = time.time()
        params = (
            {"max_length": args.max_length}
            if method == "compressor"
            else {"max_length_range": (max(16, args.max_length // 2), args.max_length)}
        )
        result = distill(
            method,
            teacher,
            unlabelled,
            valid,
            "vulnerability",
            args.out / method,
            size_mb=args.size_mb,
            budget=args.budget,
            seed=args.seed,
            **params,
        )
        student_eval, _ = evaluate(result.student_spec, test, teacher_pred)
        seconds = inference_seconds(result.student_spec, inputs)
        record["students"][method] = {
            "config": result.config,
            "parameters": result.parameters,
            "size_mb": result.size_mb,
            "gflops": result.flops / 1e9,
            "valid_accuracy": result.accuracy,
            "valid_agreement": result.agreement,
            "distill_seconds": round(time.time() - t0, 1),
            "inference_seconds": seconds,
            "speedup": teacher_seconds / seconds,
            **student_eval,
        }
        if method == "morph":
            record["students"][method]["valid_flip_rate"] = result.metrics["student_flip_rate"]
        print(method, record["students"][method], flush=True)
    record["total_seconds"] = round(time.time() - started, 1)
    (HERE / f"results-{args.dataset}.json").write_text(json.dumps(record, indent=1))
    rows = [
        "| model | size MB | GFLOPs | test acc | test F1 | agreement w/ teacher | CPU speed-up | time s |",
        "|---|---|---|---|---|---|---|---|",
        f"| teacher ({args.teacher_preset}) | {record['teacher']['size_mb']:.2f} | "
        f"{record['teacher']['gflops']:.3f} | "
        f"{record['teacher']['test_accuracy']:.3f} | {record['teacher']['test_f1']:.3f} | | 1.00 | "
        f"{record['teacher']['train_seconds']:.0f} |",
    ]
    for method, s in record["students"].items():
        rows.append(
            f"| {method} | {s['size_mb']:.2f} | {s['gflops']:.3f} | {s['test_accuracy']:.3f} | "
            f"{s['test_f1']:.3f} | {s['test_agreement']:.3f} | {s['speedup']:.2f} | "
            f"{s['distill_seconds']:.0f} |"
        )
    (HERE / f"results-{args.dataset}.md").write_text("\n".join(rows) + "\n")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
