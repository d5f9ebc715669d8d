"""`metacompress report RUN_DIR [--format FORMAT,...]`: write the reports of a run directory."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("report", help="write the reports of a run directory")
    parser.add_argument("run_dir", help="a run directory written by `metacompress run`")
    parser.add_argument(
        "--format",
        help="comma-separated formats (default: all; `metacompress list report-formats`)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from metacompress.report import write_reports

    formats = None if args.format is None else [f.strip() for f in args.format.split(",") if f.strip()]
    for path in write_reports(args.run_dir, formats):
        print(path)
    return 0
