"""`metacompress train-teacher`: train the teacher a student will be distilled from.

    metacompress train-teacher --task vulnerability|clone --data PATH --out DIR
                               [--arch roberta|graphcodebert] [--pairs FILE]
                               [--valid PATH | --valid-pairs FILE]
                               [--init CHECKPOINT | --preset tiny|small|base | --budget B]
                               [--no-mlm] [--epochs N] [--mlm-epochs N] [--max-length L]
                               [--batch-size B] [--lr LR] [--threads N] [--limit N]
                               [--use-all] [--seed S] [--resume]

The training data is split (seeded) into a labelled half, used here, and an unlabelled half,
which `metacompress distill` with the same --data and --seed uses; --use-all trains on all of
it (e.g. BigCloneBench's train.txt, whose unlabelled half is a separate file). Validation data
comes from --valid (a data file), --valid-pairs (a pair file over --data), or else 10 % of the
labelled half. With --init (microsoft/codebert-base, microsoft/graphcodebert-base or a local
folder) the checkpoint is fine-tuned; offline, an encoder of the --preset size (or of the
--budget's teacher: demo, cpu, paper) is built and, unless --no-mlm, pre-trained on the code of
all of --data (both halves; labels unused) first: masked LM for --arch roberta (the CodeBERT-like
teacher), masked LM plus data-flow edge prediction and node alignment for --arch
graphcodebert (saved as DIR/mlm/). DIR gets the model (format transformers; codexglue-clone
for a RoBERTa clone teacher; graphcodebert), its tokenizer, metacompress-model.yaml,
metrics.json (learning curves) and checkpoints (--resume continues from the latest).
Exit status 0, or 2 for a usage or config error.
"""

from __future__ import annotations

import argparse
from typing import Any

VALID_FRACTION = 0.1


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """Data options shared with `metacompress distill`."""
    parser.add_argument("--data", required=True, help="training data (see `metacompress data`)")
    parser.add_argument("--pairs", help="BigCloneBench pair file over --data (clone detection)")
    parser.add_argument("--format", default="auto", help="data format (default: auto)")
    parser.add_argument("--valid", help="validation data file")
    parser.add_argument("--valid-pairs", help="validation pair file over --data (clone)")
    parser.add_argument("--limit", type=int, help="seeded stratified sample of N examples")
    parser.add_argument(
        "--use-all", action="store_true", help="use all of --data (no labelled/unlabelled split)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of sampling, split, training")


def load_half(
    args: argparse.Namespace, task: str, half: str
) -> tuple[list, list, dict[str, Any], list[str]]:
    """(training examples of `half`, validation examples, a report of what was loaded, the code
    of every loaded training example, both halves, each distinct code once)."""
    import numpy as np

    from metacompress.data.loaders import load_examples
    from metacompress.distill import split_labelled_unlabelled
    from metacompress.errors import ConfigError

    if args.limit is not None and args.limit < 2:
        raise ConfigError(f"--limit must be an integer >= 2, got {args.limit}")
    if args.valid and args.valid_pairs:
        raise ConfigError("give --valid or --valid-pairs, not both")
    loaded = load_examples(
        args.data, task, format=args.format, limit=args.limit, seed=args.seed, pairs=args.pairs
    )
    if not loaded.examples:
        raise ConfigError(f"no examples loaded from {args.data} ({len(loaded.skipped)} skipped)")
    report: dict[str, Any] = {"loaded": len(loaded.examples), "skipped": len(loaded.skipped)}
    examples = loaded.examples
    codes = list(dict.fromkeys(code for e in examples for code in e.inputs))
    if not args.use_all:
        labelled, unlabelled = split_labelled_unlabelled(examples, args.seed)
        examples = labelled if half == "labelled" else unlabelled
        report["split"] = f"{half} half ({len(examples)} of {len(loaded.examples)})"
    if args.valid or args.valid_pairs:
        source = args.data if args.valid_pairs else args.valid
        valid_loaded = load_examples(source, task, format=args.format, pairs=args.valid_pairs)
        valid = valid_loaded.examples
        report["valid_skipped"] = len(valid_loaded.skipped)
    else:
        order = np.random.default_rng(args.seed + 1).permutation(len(examples))
        n_valid = max(1, int(round(VALID_FRACTION * len(examples))))
        valid = [examples[i] for i in order[:n_valid]]
        examples = [examples[i] for i in order[n_valid:]]
        report["valid"] = f"{n_valid} held out of the training data"
    if not valid:
        raise ConfigError("no validation examples loaded")
    return examples, valid, report, codes


def set_threads(threads: int | None) -> None:
    """Limit torch's intra-op threads when asked (shared with `metacompress distill`)."""
    from metacompress.errors import ConfigError

    if threads is None:
        return
    if threads < 1:
        raise ConfigError(f"--threads must be at least 1, got {threads}")
    import torch

    torch.set_num_threads(threads)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train-teacher",
        help="fine-tune or train a teacher classifier (and its masked LM) for distillation",
        description="Train a RoBERTa-family teacher for vulnerability or clone detection; the "
        "result is a model spec the other commands load.",
    )
    parser.add_argument("--task", required=True, choices=("vulnerability", "clone"))
    parser.add_argument("--out", required=True, help="output folder")
    add_data_arguments(parser)
    parser.add_argument("--arch", default="roberta", choices=("roberta", "graphcodebert"))
    parser.add_argument("--init", help="Hugging Face checkpoint to fine-tune (hub id or folder)")
    parser.add_argument("--preset", default="tiny", choices=("tiny", "small", "base"))
    parser.add_argument(
        "--budget", choices=("demo", "cpu", "paper"), help="the budget's teacher (over --preset)"
    )
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's)")
    parser.add_argument("--no-mlm", action="store_true", help="skip masked-LM pre-training")
    parser.add_argument("--epochs", type=int, help="classifier epochs (default: preset)")
    parser.add_argument("--mlm-epochs", type=int, help="masked-LM epochs (default: preset)")
    parser.add_argument("--max-length", type=int, help="input window in tokens")
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--lr", type=float, help="classifier learning rate")
    parser.add_argument("--resume", action="store_true", help="continue from the checkpoints")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import json

    from metacompress.distill import train_teacher
    from metacompress.distill.presets import teacher_preset

    set_threads(args.threads)
    train, valid, report, codes = load_half(args, args.task, "labelled")
    preset = args.preset
    if args.budget:
        preset = teacher_preset(args.budget, args.task, args.arch)
    spec = train_teacher(
        train,
        valid,
        args.task,
        args.out,
        preset=preset,
        arch=args.arch,
        pretrain_codes=codes,
        mlm_pretrain=not args.no_mlm,
        epochs=args.epochs,
        seed=args.seed,
        init=args.init,
        max_length=args.max_length,
        batch_size=args.batch_size,
        learning_rate=args.lr,
        mlm_epochs=args.mlm_epochs,
        resume=args.resume,
    )
    metrics = json.loads((spec.parent / "metrics.json").read_text())
    best = metrics["best"] or metrics["history"]["classifier"][-1]
    scores = ", ".join(f"{k} {v:.3f}" for k, v in best.items() if k.startswith("valid_"))
    print(f"data: {report}")
    print(f"teacher: {spec} ({metrics['parameters']:,} parameters, {metrics['seconds']:.0f} s)")
    print(f"kept (step {best['step']}): {scores or 'no validation labels'}")
    return 0
