"""`metacompress data`: write the synthetic benchmark, or inspect what a data file loads as.

    metacompress data synth --task vulnerability --n 2000 --seed 0 --out synth-vuln.jsonl
    metacompress data inspect devign/test.jsonl.xz --task vulnerability
    metacompress data inspect bigclonebench/data.jsonl.xz --task clone --pairs test.txt

`synth` writes CodeXGLUE-like JSON Lines (`idx`, `func`, `target` for vulnerability; `id`,
`func1`, `func2`, `label` for clone, plus the generator's metadata), which `load_examples` reads
back. `inspect` loads a file exactly as a run would and reports the format, the number of
examples and labels, and every skipped or flagged row by reason.
"""

from __future__ import annotations

import argparse
import sys

from metacompress.data.types import TASKS
from metacompress.errors import ConfigError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("data", help="write the synthetic benchmark; inspect data files")
    commands = parser.add_subparsers(title="data commands", metavar="ACTION")

    synth = commands.add_parser("synth", help="write the built-in synthetic benchmark as JSONL")
    synth.add_argument("--task", required=True, choices=TASKS)
    synth.add_argument("--n", type=int, required=True, help="number of examples")
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("--out", required=True, help="output file (.jsonl, .jsonl.gz, .jsonl.xz)")
    synth.set_defaults(handler=run_synth)

    inspect = commands.add_parser("inspect", help="load a data file and report what it holds")
    inspect.add_argument("source", help="data file, folder or Hugging Face hub id")
    inspect.add_argument("--task", required=True, choices=TASKS)
    inspect.add_argument(
        "--format", default="auto", help="data format (`metacompress list data-formats`)"
    )
    inspect.add_argument("--pairs", help="BigCloneBench pair file")
    inspect.add_argument("--split", help="split of a hub id or Parquet/Arrow folder")
    inspect.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="ROLE=NAME",
        help="column mapping, e.g. code=source or label= (no labels); repeatable",
    )
    inspect.add_argument("--limit", type=int, help="stratified sample size")
    inspect.add_argument("--seed", type=int, default=0)
    inspect.add_argument(
        "--show", type=int, default=10, metavar="K", help="list the first K skipped rows"
    )
    inspect.set_defaults(handler=run_inspect)
    parser.set_defaults(handler=lambda args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def parse_columns(items: list[str]) -> dict[str, str | None] | None:
    """`["code=source", "label="]` -> `{"code": "source", "label": None}`."""
    if not items:
        return None
    columns: dict[str, str | None] = {}
    for item in items:
        role, sep, name = item.partition("=")
        if not sep or not role:
            raise ConfigError(f"--column expects ROLE=NAME, got {item!r}")
        columns[role.strip()] = name.strip() or None
    return columns


def run_synth(args: argparse.Namespace) -> int:
    from metacompress.data.export import write_jsonl
    from metacompress.data.synth import generate

    examples = generate(args.task, args.n, args.seed)
    count = write_jsonl(examples, args.out, args.task)
    positives = sum(e.label == 1 for e in examples)
    print(f"wrote {count} {args.task} examples ({positives} positive) to {args.out}")
    return 0


def run_inspect(args: argparse.Namespace) -> int:
    from metacompress.data.loaders import load_examples

    result = load_examples(
        args.source,
        args.task,
        format=args.format,
        limit=args.limit,
        seed=args.seed,
        columns=parse_columns(args.column),
        pairs=args.pairs,
        split=args.split,
    )
    print(f"source:   {args.source}")
    print(f"format:   {result.format}")
    sampled = f" (sampled from {result.n_valid})" if result.n_valid != len(result.examples) else ""
    print(f"examples: {len(result.examples)}{sampled}")
    labels = ", ".join(f"{label}: {count}" for label, count in result.label_counts().items())
    print(f"labels:   {labels or 'none'}")
    print(f"skipped:  {len(result.skipped)}")
    for reason, count in result.skip_counts().items():
        print(f"  {count:>7}  {reason}")
    print(f"flagged:  {len(result.flagged)}")
    for reason, count in result.flag_counts().items():
        print(f"  {count:>7}  {reason}")
    for row in result.skipped[: max(args.show, 0)]:
        print(f"  skipped {row}")
    return 0
