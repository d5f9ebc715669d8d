"""`metacompress repair`: distil the inputs where a student departs from its teacher back into it.

    metacompress repair --teacher SPEC --student SPEC --data TRAIN --out DIR
                        [--task vulnerability|clone] [--pairs FILE] [--format FMT] [--limit N]
                        [--budget N] [--rounds R] [--search deviation|deviation-random]
                        [--param KEY=VALUE]
                        [--weight K] [--epochs N] [--learning-rate LR] [--temperature T]
                        [--held-out FILE] [--held-out-pairs FILE] [--held-out-limit N]
                        [--seed S] [--device DEV] [--allow-pickle] [--trust-remote-code]

Runs the deviation search on TRAIN, fine-tunes the student by knowledge distillation on the
teacher's soft labels over TRAIN and the triggering inputs found (with their sources, each
`--weight` times), and saves the repaired student in DIR as a model spec (see
`metacompress.workflows.repair`). DIR/repair.json records the search and the training; with
`--held-out`, also the repair's effect on that data (`workflows.repair_check`): triggering
inputs found there before repair, the share the repaired student now answers like the
teacher, the change in clean accuracy, and the search's cost before and after. Exit status 0,
or 2 for a usage or config error.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

LANGUAGES = {"vulnerability": "c", "clone": "java"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "repair",
        help="fine-tune a student on the inputs where it departs from its teacher",
        description="Search the training data for semantics-preserving inputs on which the "
        "student's answer differs from the teacher's, and distil the teacher's answers on them "
        "back into the student.",
    )
    parser.add_argument("--teacher", required=True, help="teacher model spec")
    parser.add_argument("--student", required=True, help="student model spec (transformers)")
    parser.add_argument("--data", required=True, help="training data (the distillation data)")
    parser.add_argument("--out", required=True, help="folder of the repaired student")
    parser.add_argument("--task", choices=sorted(LANGUAGES), help="default: clone with --pairs")
    parser.add_argument("--pairs", help="BigCloneBench pair file of --data")
    parser.add_argument("--format", default="auto", help="data format (default: auto)")
    parser.add_argument("--limit", type=int, help="seeded stratified sample of N examples")
    parser.add_argument("--budget", type=int, default=200, help="queries per source (200)")
    parser.add_argument("--rounds", type=int, default=1, help="searches per source (1)")
    parser.add_argument("--search", default="deviation", help="deviation search (deviation)")
    parser.add_argument(
        "--param", action="append", default=[], metavar="KEY=VALUE",
        help="search parameter (value read as YAML), e.g. p=0.2",
    )  # fmt: skip
    parser.add_argument("--weight", type=int, default=4, help="repeats of triggering inputs (4)")
    parser.add_argument(
        "--valid-share", type=float, default=0.2,
        help="share of --data set aside to choose the epoch kept (0.2; 0: the last epoch)",
    )  # fmt: skip
    parser.add_argument("--epochs", type=int, default=3, help="fine-tuning epochs (3)")
    parser.add_argument("--learning-rate", type=float, default=1e-4, help="(1e-4)")
    parser.add_argument("--temperature", type=float, default=1.0, help="distillation T (1)")
    parser.add_argument("--batch-size", type=int, default=16, help="training batch size (16)")
    parser.add_argument("--held-out", help="data to measure the repair on")
    parser.add_argument("--held-out-pairs", help="BigCloneBench pair file of --held-out")
    parser.add_argument("--held-out-limit", type=int, help="sample of N held-out examples")
    parser.add_argument("--seed", type=int, default=0, help="seed of sampling, search, training")
    parser.add_argument("--device", default="cpu", help="cpu, cuda, cuda:N or auto")
    parser.add_argument(
        "--allow-pickle", action="store_true", help="accept pickled checkpoints (can run code)"
    )
    parser.add_argument(
        "--trust-remote-code", action="store_true",
        help="run code shipped with a model or named by a callable model spec",
    )  # fmt: skip
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from metacompress.cli.attack import key_values
    from metacompress.data.loaders import load_examples
    from metacompress.distill.finetune import FinetuneSettings
    from metacompress.errors import ConfigError
    from metacompress.models import load_model_as
    from metacompress.workflows.repair import REPORT_NAME, RepairSettings, repair
    from metacompress.workflows.repair_check import evaluate_repair

    for name in ("limit", "held_out_limit"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise ConfigError(f"--{name.replace('_', '-')} must be an integer >= 1, got {value}")
    task = args.task or ("clone" if args.pairs else "vulnerability")
    settings = RepairSettings(
        search=args.search,
        budget=args.budget,
        search_params=key_values(args.param),
        rounds=args.rounds,
        weight=args.weight,
        valid_share=args.valid_share,
        finetune=FinetuneSettings(
            args.epochs, args.learning_rate, args.batch_size, args.temperature, args.seed
        ),
        seed=args.seed,
    )
    settings.create_search()  # a bad search name or parameter fails before any work
    loaded = load_examples(
        args.data, task, format=args.format, limit=args.limit, seed=args.seed, pairs=args.pairs
    )
    if not loaded.examples:
        raise ConfigError(f"no examples loaded from {args.data} ({len(loaded.skipped)} skipped)")
    options = {
        "device": args.device,
        "allow_pickle": args.allow_pickle,
        "trust_remote_code": args.trust_remote_code,
    }
    teacher = load_model_as("--teacher", args.teacher, **options)
    result = repair(teacher, args.student, loaded.examples, task, args.out, settings, options)
    searched = result.record["search"]
    print(
        f"triggering inputs on {args.data}: {searched['found']} of {searched['searched']} "
        f"sources searched; repaired student: {result.spec}"
    )
    if args.held_out is not None:
        held = load_examples(
            args.held_out, task, format=args.format, limit=args.held_out_limit,
            seed=args.seed, pairs=args.held_out_pairs,
        ).examples  # fmt: skip
        if not held:
            raise ConfigError(f"no examples loaded from {args.held_out}")
        evaluation = evaluate_repair(
            teacher, args.student, result.spec, held, task, settings, options
        )
        result.record["evaluation"] = evaluation
        report = Path(args.out) / REPORT_NAME
        report.write_text(json.dumps(result.record, indent=1) + "\n", encoding="utf-8")
        print(
            f"held out: {evaluation['triggering_inputs']} triggering inputs, repaired share "
            f"{evaluation['repaired_share']}, clean accuracy change "
            f"{evaluation['clean_accuracy_change_points']} points"
        )
    return 0
