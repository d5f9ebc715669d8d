"""`metacompress demo [--out DIR] [--seed S]`: the demo budget of `metacompress reproduce`.

A teacher and its Compressor, AVATAR and MORPH students on the built-in synthetic benchmark
(vulnerability), one study run, the paper's tables and a summary; offline, minutes on 2 CPU
cores; one progress line per stage on stderr. Run it again to continue an interrupted demo.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="train a teacher, distil three students and test them, offline on synthetic data",
    )
    parser.add_argument("--out", default="demo-run", help="output folder (default: demo-run)")
    parser.add_argument("--seed", type=int, default=0)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from metacompress.cli.reproduce import print_result
    from metacompress.workflows.demo import run_demo

    print_result(run_demo(args.out, seed=args.seed, quiet=args.quiet))
    return 0
