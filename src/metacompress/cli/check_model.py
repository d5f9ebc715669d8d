"""`metacompress check-model`: is the model loaded the way it was trained?

    metacompress check-model --model student.yaml --data devign/test.jsonl.xz --limit 500

Reports accuracy on the labelled examples, the share predicted positive, the share of inputs
longer than the model's window, and the model's fingerprint and weights checksum. A binary
classifier that has learnt anything scores above 0.5 when its classes are read the right way
round; accuracy far below 0.5 means the head convention is probably wrong (classes inverted:
reading the other column would score 1 - accuracy). "Far below" is the one-sided binomial test
of `metacompress.stats.polarity` (P(accuracy this low | true accuracy 0.5) < 0.01), the same
rule `metacompress run` warns with. Then a warning is printed and the exit status is 1. A model
that gives (nearly) the same P(positive) to every input (`metacompress.models.diagnostics`:
e.g. one loaded without its own tokenizer) gets a warning too.
"""

from __future__ import annotations

import argparse
import json
import sys

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


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check-model", help="accuracy of a model on labelled data; warns on inverted classes"
    )
    add_model_arguments(parser)
    add_data_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from metacompress.models.diagnostics import constant_output_warnings
    from metacompress.stats.polarity import inverted_p_value, inverted_warning, looks_inverted

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
    for warning in constant_output_warnings(prediction.probs[:, 1]):
        print(f"metacompress: warning: {warning}", file=sys.stderr)
    if acc is None:
        print("metacompress: warning: no labelled examples, accuracy unknown", file=sys.stderr)
    else:
        report["inverted_p_value"] = inverted_p_value(acc, n)
        if looks_inverted(acc, n):
            print(f"metacompress: warning: {inverted_warning(acc, n)}", file=sys.stderr)
            status = 1
    print(json.dumps(report, indent=2))
    return status
