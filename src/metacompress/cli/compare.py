"""`metacompress compare RUN_OR_STUDY_DIR... --out DIR [--allow-mismatch]`."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compare",
        help="merge runs and studies into one set of paper tables",
        description="Merge run and study directories (other tasks, teachers, machines, seeds) "
        "into the paper's tables: effectiveness, robustness, metamorphic, transfer and the "
        "headline maxima. Runs that are not comparable are refused, naming the difference.",
    )
    parser.add_argument("dirs", nargs="+", metavar="RUN_OR_STUDY_DIR")
    parser.add_argument("--out", required=True, help="folder for the merged tables")
    parser.add_argument(
        "--allow-mismatch",
        action="store_true",
        help="merge runs that differ in relations, statistics, versions or data sample; the "
        "differences are printed into the tables' notes",
    )
    parser.add_argument(
        "--format", default="csv,parquet,tex,md", help="comma-separated: csv,parquet,tex,md"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from metacompress.errors import ConfigError
    from metacompress.report.compare import compare
    from metacompress.report.tables.writers import FORMATS

    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ConfigError(f"--format: unknown {unknown}; expected some of {list(FORMATS)}")
    tables = compare(args.dirs, args.out, allow_mismatch=args.allow_mismatch, formats=formats)
    for table in tables:
        if table.name == "headline":
            for row in table.rows:
                print(row["line"])
    print(f"tables written to {args.out}")
    return 0
