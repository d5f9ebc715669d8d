"""`metacompress check-model`: is the model loaded the way it was trained?

    metacompress check-model --model student.yaml --data devign/test.jsonl.xz --limit 500

Reports accuracy on the labelled examples, the share predicted positive, the share of inputs
longer than the model's window, and the model's fingerprint and weights checksum. A binary
classifier that has learnt anything scores above 0.5 when its classes are read the right way
round; accuracy far below 0.5 means the head convention is probably wrong (classes inverted:
reading the other column would score 1 - accuracy). "Far below" is a one-sided binomial test:
P(accuracy this low | true accuracy 0.5) < 0.01. Then a warning is printed and the exit status
is 1.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from metacompress.cli.predict import (
    accuracy,
    add_data_arguments,
    add_model_arguments,
    describe,
    load_data,
    model_from_args,
    run_model,
    task_of,
)

INVERTED_P_VALUE = 0.01


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check-model", help="accuracy of a model on labelled data; warns on inverted classes"
    )
    add_model_arguments(parser)
    add_data_arguments(parser)
    parser.set_defaults(handler=run)


def inverted_p_value(acc: float, n: int) -> float:
    """P(X <= acc * n) for X ~ Binomial(n, 0.5): how surprising an accuracy this low is."""
    from scipy.stats import binomtest

    return float(binomtest(round(acc * n), n, 0.5, alternative="less").pvalue)


def run(args: argparse.Namespace) -> int:
    model = model_from_args(args)
    task = task_of(model, args.task)
    data = load_data(args, task)
    prediction = run_model(model, data.examples)
    acc, n = accuracy(data.examples, prediction.probs)
    info = describe(model)
    report = {
        "task": task,
        "examples": len(data.examples),
        "labelled": n,
        "accuracy": acc,
        "predicted_positive": float(np.mean(prediction.probs[:, 1] > 0.5)),
        "truncated": float(np.mean(prediction.truncated)),
        "fingerprint": info.get("fingerprint"),
        "weights_sha256": info.get("weights_sha256"),
    }
    status = 0
    if acc is None:
        print("metacompress: warning: no labelled examples, accuracy unknown", file=sys.stderr)
    else:
        p_value = inverted_p_value(acc, n)
        report["inverted_p_value"] = p_value
        if acc < 0.5 and p_value < INVERTED_P_VALUE:
            print(
                f"metacompress: warning: accuracy {acc:.3f} is far below 0.5 on {n} examples "
                f"(p = {p_value:.2g}); the classes are probably inverted: check the format's "
                "head convention (positive_column)",
                file=sys.stderr,
            )
            status = 1
    print(json.dumps(report, indent=2))
    return status
