"""`metacompress reproduce`: the paper's experiment end to end, resumable stage by stage.

    metacompress reproduce [--task clone|vulnerability|both] [--budget demo|cpu|paper]
                           --out DIR [--teachers roberta,graphcodebert] [--data FOLDER]
                           [--seed S] [--threads N] [--jobs N] [--restart]

Per task and teacher (roberta: CodeBERT-like; graphcodebert): 1 the teacher (masked-LM
pre-training, fine-tuning), 2 its Compressor, AVATAR and MORPH students, 3 one study run
(every transformation, 2-step combinations, MHM, ALERT, WIR-Random and structural attacks
against every model), 4 the paper's tables over every study (DIR/tables/, a row group per task
and teacher) and DIR/summary.md. Run it again with the same arguments to continue a killed
reproduce: finished stages are reused (DIR/reproduce.json), changed settings are refused
unless --restart. --jobs N trains up to N teachers (then students) at once, each in its own
process with --threads torch threads (on 2 cores: --jobs 2 --threads 1); the results are those
of --jobs 1. One progress line per stage goes to stderr, also when it is not a terminal.
The demo budget runs on the built-in synthetic benchmark; cpu and paper read Devign and
BigCloneBench from --data (a folder holding devign/ and bigclonebench/ as CodeXGLUE lays them
out; default $METACOMPRESS_SHARED_DATA). Exit status 0, or 2 for a usage or config error.
"""

from __future__ import annotations

import argparse
from typing import Any

from metacompress.errors import ConfigError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reproduce",
        help="the paper's experiment end to end: teachers, students, studies, tables",
        description=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--task", default="both", choices=("clone", "vulnerability", "both"))
    parser.add_argument("--budget", default="demo", choices=("demo", "cpu", "paper"))
    parser.add_argument("--out", required=True, help="output folder (resumable)")
    parser.add_argument(
        "--teachers",
        default="roberta,graphcodebert",
        help="teacher architectures, comma-separated (default: roberta,graphcodebert)",
    )
    parser.add_argument("--data", help="folder with devign/ and bigclonebench/ (cpu, paper)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's)")
    parser.add_argument(
        "--jobs", type=int, default=1, help="teachers or students trained at once (default: 1)"
    )
    parser.add_argument("--restart", action="store_true", help="redo stages whose settings changed")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from metacompress.cli.train_teacher import set_threads
    from metacompress.workflows.reproduce import run_reproduce

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out}: exists and is not a folder")
    teachers = tuple(t.strip() for t in args.teachers.split(",") if t.strip())
    set_threads(args.threads)
    result = run_reproduce(
        out,
        task=args.task,
        budget=args.budget,
        teachers=teachers,
        seed=args.seed,
        data_dir=args.data,
        quiet=args.quiet,
        restart=args.restart,
        jobs=args.jobs,
    )
    print_result(result)
    return 0


def print_result(result: Any) -> None:
    """Where a reproduce put its reports and tables, then its summary."""
    for name, run_dir in result.run_dirs.items():
        print(f"report:   {name}: {run_dir / 'report.html'}")
    print(f"tables:   {result.tables_dir}")
    print(f"summary:  {result.summary}\n")
    print(result.summary.read_text(encoding="utf-8"), end="")
