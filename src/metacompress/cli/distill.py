"""`metacompress distill`: distil a student from a teacher with Compressor, AVATAR or MORPH.

    metacompress distill --method compressor|avatar|morph --teacher SPEC --data PATH --out DIR
                         [--task vulnerability|clone] [--pairs FILE]
                         [--valid PATH | --valid-pairs FILE] [--size-mb 3] [--budget tiny|small|paper]
                         [--temperature T] [--param KEY=VALUE ...] [--limit N] [--use-all] [--seed S]

The student learns from the teacher's soft labels on the unlabelled half of --data (the half
`metacompress train-teacher` with the same --data and --seed did not train on; --use-all takes
all of it). The task defaults to the teacher spec's. DIR is the student (a model folder with
its metacompress-model.yaml: `metacompress predict --model DIR` loads it) and holds the
search history, the Pareto front (AVATAR, MORPH), the chosen configuration with its size and
FLOPs, and the student's validation accuracy and agreement with the teacher (metrics.json).
Exit status 0, or 2 for a usage or config error.
"""

from __future__ import annotations

import argparse
from typing import Any

from metacompress.cli.train_teacher import add_data_arguments, load_half, set_threads


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "distill",
        help="distil a small student from a teacher (Compressor, AVATAR, MORPH)",
        description="Search a student architecture for a size target and train it on the "
        "teacher's soft labels, the way the named method does.",
    )
    parser.add_argument(
        "--method", required=True, help="distiller (`metacompress list distillers`)"
    )
    parser.add_argument("--teacher", required=True, help="teacher model spec")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--task", choices=("vulnerability", "clone"), help="default: teacher's")
    add_data_arguments(parser)
    parser.add_argument("--size-mb", type=float, default=3.0, help="target size (default 3)")
    parser.add_argument("--budget", default="tiny", choices=("tiny", "small", "paper"))
    parser.add_argument("--temperature", type=float, help="default: the method's")
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's)")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="distiller parameter (value read as YAML), e.g. max_length=256",
    )
    parser.set_defaults(handler=run)


def _params(args: argparse.Namespace) -> dict[str, Any]:
    import yaml

    from metacompress.errors import ConfigError

    params: dict[str, Any] = {}
    for text in args.param:
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--param must look like KEY=VALUE, got {text!r}")
        loaded = yaml.safe_load(value)
        params[key.strip()] = tuple(loaded) if isinstance(loaded, list) else loaded
    if args.temperature is not None:
        params["temperature"] = args.temperature
    return params


def _task(args: argparse.Namespace) -> str:
    from metacompress.errors import ConfigError
    from metacompress.models import read_spec

    if args.task:
        return args.task
    spec, _ = read_spec(args.teacher)
    if spec.get("task") not in ("vulnerability", "clone"):
        raise ConfigError(f"the teacher spec names no task; give --task (got {spec.get('task')!r})")
    return spec["task"]


def run(args: argparse.Namespace) -> int:
    from metacompress.distill import distill

    task = _task(args)
    params = _params(args)
    set_threads(args.threads)
    unlabelled, valid, report, _ = load_half(args, task, "unlabelled")
    result = distill(
        args.method,
        args.teacher,
        unlabelled,
        valid,
        task,
        args.out,
        size_mb=args.size_mb,
        budget=args.budget,
        seed=args.seed,
        **params,
    )
    student = result.metrics["student"]
    teacher = result.metrics["teacher"]
    print(f"data: {report}")
    print(
        f"student: {result.student_spec} ({result.parameters:,} parameters, "
        f"{result.size_mb:.2f} MB, {result.flops / 1e9:.3f} GFLOPs)"
    )
    accuracy = student.get("accuracy")
    print(
        f"validation: student accuracy {accuracy if accuracy is None else f'{accuracy:.3f}'}, "
        f"teacher accuracy {teacher.get('accuracy', float('nan')):.3f}, "
        f"agreement {student['agreement']:.3f} ({result.seconds:.0f} s)"
    )
    return 0
