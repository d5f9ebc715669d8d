"""`metacompress predict`: per-example probabilities of one model on a data file.

    metacompress predict --model teacher/ --data devign/test.jsonl.xz --out preds.jsonl
    metacompress predict --model student.yaml --data data.jsonl.xz --pairs test.txt --task clone

The data is read by `metacompress.data.loaders.load_examples` (Devign / CodeXGLUE JSON Lines
with `func` and `target`, clone rows with `func1`, `func2`, `label`, BigCloneBench with
`--pairs`, CSV, Parquet, hub ids). Each output line (JSON Lines; `.csv` gives CSV) holds the
example id, its label, P(negative), P(positive), the predicted label, whether an input was
truncated, and how many characters of each input the model saw. A summary (counts, accuracy when
labels are known, the model's fingerprint and weights checksum) goes to stderr. The output file
appears only when complete (written under a temporary name, then renamed); in CSV, an id that a
spreadsheet would run as a formula is written with a leading single quote
(`metacompress.escaping.csv_cell`).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from metacompress.data.types import TASKS, Example
from metacompress.errors import ConfigError
from metacompress.progress import progress

if TYPE_CHECKING:
    import numpy as np

CHUNK = 256


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """--model and the loading options, shared by the model commands."""
    parser.add_argument("--model", required=True, help="model spec file, folder or hub id")
    parser.add_argument("--device", default="cpu", help="cpu, cuda, cuda:N or auto")
    parser.add_argument("--half", action="store_true", help="float16 on the GPU")
    parser.add_argument("--batch-size", default="auto", help="examples per batch, or auto")
    parser.add_argument(
        "--allow-pickle", action="store_true", help="accept pickled checkpoints (can run code)"
    )
    parser.add_argument(
        "--trust-remote-code", action="store_true", help="run code shipped with the model"
    )


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """--data and the loader options."""
    parser.add_argument("--data", required=True, help="data file, folder or hub id")
    parser.add_argument("--task", choices=TASKS, help="default: the model's task")
    parser.add_argument(
        "--format", default="auto", help="data format (`metacompress list data-formats`)"
    )
    parser.add_argument("--pairs", help="BigCloneBench pair file")
    parser.add_argument("--split", help="split of a hub id or Parquet/Arrow folder")
    parser.add_argument("--limit", type=int, help="stratified sample of this many examples")
    parser.add_argument("--seed", type=int, default=0, help="seed of the --limit sample")


def model_from_args(args: argparse.Namespace) -> Any:
    from metacompress.models import load_model

    batch_size: int | str = args.batch_size
    if batch_size != "auto":
        try:
            batch_size = int(batch_size)
        except ValueError:
            raise ConfigError(
                f"--batch-size must be an integer or auto, got {batch_size!r}"
            ) from None
    return load_model(
        args.model,
        device=args.device,
        half=args.half,
        batch_size=batch_size,
        allow_pickle=args.allow_pickle,
        trust_remote_code=args.trust_remote_code,
    )


def task_of(model: Any, given: str | None) -> str:
    """The task: as given, else the model's declared one."""
    arity = getattr(model, "arity", None)
    declared = {1: "vulnerability", 2: "clone"}.get(arity) if arity else None
    if given and declared and given != declared:
        raise ConfigError(f"--task {given} but the model is a {declared} model")
    task = given or declared
    if task is None:
        raise ConfigError("the model does not declare its task; pass --task vulnerability|clone")
    return task


def load_data(args: argparse.Namespace, task: str) -> Any:
    from metacompress.data.loaders import load_examples

    result = load_examples(
        args.data,
        task,
        format=args.format,
        limit=args.limit,
        seed=args.seed,
        pairs=args.pairs,
        split=args.split,
    )
    if result.skipped:
        counts = ", ".join(f"{n} {reason}" for reason, n in result.skip_counts().items())
        print(f"metacompress: skipped {len(result.skipped)} rows ({counts})", file=sys.stderr)
    if not result.examples:
        raise ConfigError(f"no examples could be loaded from {args.data}")
    return result


def run_model(model: Any, examples: Sequence[Example]) -> Any:
    """The Prediction of `model` on every example, in chunks (with a progress bar)."""
    import numpy as np

    from metacompress.models import Prediction, predict

    parts = []
    starts = range(0, len(examples), CHUNK)
    for start in progress(starts, desc="predict", total=len(starts)):
        chunk = examples[start : start + CHUNK]
        parts.append(predict(model, [e.inputs for e in chunk]))
    visible = None
    if all(p.visible_chars is not None for p in parts):
        visible = np.concatenate([p.visible_chars for p in parts])
    return Prediction(
        probs=np.concatenate([p.probs for p in parts]),
        truncated=np.concatenate([p.truncated for p in parts]),
        visible_chars=visible,
    )


def accuracy(examples: Sequence[Example], probs: np.ndarray) -> tuple[float | None, int]:
    """(accuracy of argmax on the labelled examples, their number)."""
    import numpy as np

    labelled = [i for i, e in enumerate(examples) if e.label is not None]
    if not labelled:
        return None, 0
    labels = np.array([examples[i].label for i in labelled])
    predicted = (probs[labelled, 1] > 0.5).astype(int)
    return float(np.mean(predicted == labels)), len(labelled)


def describe(model: Any) -> dict[str, Any]:
    info = getattr(model, "describe", None)
    return info() if info is not None else {"fingerprint": model.fingerprint}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("predict", help="per-example probabilities of a model")
    add_model_arguments(parser)
    add_data_arguments(parser)
    parser.add_argument("--out", help="output file (.jsonl or .csv); default: stdout as JSONL")
    parser.set_defaults(handler=run)


def rows(examples: Sequence[Example], prediction: Any) -> list[dict[str, Any]]:
    out = []
    for i, example in enumerate(examples):
        row = {
            "id": example.id,
            "label": example.label,
            "prob_negative": float(prediction.probs[i, 0]),
            "prob_positive": float(prediction.probs[i, 1]),
            "prediction": int(prediction.probs[i, 1] > 0.5),
            "truncated": bool(prediction.truncated[i]),
        }
        if prediction.visible_chars is not None:
            row["visible_chars"] = [int(v) for v in prediction.visible_chars[i]]
        out.append(row)
    return out


def write_rows(table: list[dict[str, Any]], out: str | None) -> None:
    """The rows as JSON Lines to `out` (stdout when None), or as CSV when `out` ends in .csv."""
    from metacompress.atomic import atomic_output
    from metacompress.escaping import csv_cell

    if out is None:
        for row in table:
            sys.stdout.write(json.dumps(row) + "\n")
        return
    if Path(out).suffix == ".csv":
        with atomic_output(out, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(table[0]))
            writer.writeheader()
            for row in table:
                writer.writerow(
                    {k: json.dumps(v) if isinstance(v, list) else csv_cell(v)
                     for k, v in row.items()}
                )  # fmt: skip
        return
    with atomic_output(out, "w", encoding="utf-8") as handle:
        for row in table:
            handle.write(json.dumps(row) + "\n")


def run(args: argparse.Namespace) -> int:
    model = model_from_args(args)
    task = task_of(model, args.task)
    data = load_data(args, task)
    prediction = run_model(model, data.examples)
    write_rows(rows(data.examples, prediction), args.out)
    acc, n_labelled = accuracy(data.examples, prediction.probs)
    info = describe(model)
    summary = {
        "examples": len(data.examples),
        "truncated": int(prediction.truncated.sum()),
        "accuracy": acc,
        "labelled": n_labelled,
        "fingerprint": info.get("fingerprint"),
        "weights_sha256": info.get("weights_sha256"),
    }
    print(json.dumps(summary), file=sys.stderr)
    return 0
