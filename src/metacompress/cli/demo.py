"""`metacompress demo [--out DIR] [--seed S]`: the whole workflow offline on synthetic data."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="train a teacher, distil a student and test them, offline on synthetic data",
    )
    parser.add_argument("--out", default="demo-run", help="output folder (default: demo-run)")
    parser.add_argument("--seed", type=int, default=0)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from metacompress.workflows.demo import run_demo

    result = run_demo(args.out, seed=args.seed, quiet=args.quiet)
    verdict = "holds" if result.passed else "fails: the student departs from its teacher"
    print(f"teacher:  {result.teacher_spec}")
    print(f"student:  {result.student_spec}")
    print(f"config:   {result.config}")
    print(f"report:   {result.run_dir / 'report.html'}")
    print(f"summary:  {result.run_dir / 'report.md'}")
    print(f"gate:     {verdict}")
    return 0
