"""`metacompress attack`: run one adversarial attack on a model (or on a teacher and its student),
or a deviation search on a teacher and its student.

    metacompress attack --model SPEC --data PATH --method ATTACK|SEARCH
                        [--task vulnerability|clone] [--pairs FILE] [--format FMT]
                        [--budget N] [--limit N] [--seed S] [--mlm SPEC] [--perturb first|both]
                        [--param KEY=VALUE ...] [--student SPEC] [--batch-size N]
                        [--device DEV] [--allow-pickle] [--trust-remote-code] --out DIR

With one model, DIR gets `results.jsonl` (one attack result per example) and `summary.json`
(attack success rate, clean and adversarial accuracy or F1, relative drop, mean queries and
perturbation size, skip and failure reasons, engine statistics, timings). With `--student`,
`--model` is the teacher: both are attacked, DIR gets `teacher/results.jsonl`,
`student/results.jsonl`, `transfer.jsonl` (adversarial examples of each evaluated on the
other) and a `summary.json` with both summaries, how much larger the student's relative drop
is (percent) and the transfer rates. ALERT's masked LM defaults to `--model`'s `mlm/` folder
(where train-teacher keeps it). The attack is `metacompress.workflows.attack.attack`, which
Python code calls as `metacompress.attack`. Each result is kept in `DIR/.journal/` as it is found: a call that is
interrupted loses none, and the same command run again goes on from them (the journal is
removed once `summary.json` is written; other settings start it afresh).

`--method deviation` (or its baseline `deviation-random`, `metacompress.attacks.deviation`)
needs `--student`: it searches, per example, for a variant on which the student's answer
differs from the teacher's (`--model`), asking both; `--budget` counts inputs scored by both.
DIR gets `results.jsonl` (one search result per example) and `summary.json` (share of sources
with a triggering input, median queries to the first one, queries per triggering input, skip
and failure reasons, engine statistics, timings). Exit status 0, or 2 for a usage or config
error.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path
from typing import Any

LANGUAGES = {"vulnerability": "c", "clone": "java"}
#: The folder inside --out where results are kept as they are found, until summary.json.
JOURNAL = ".journal"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "attack",
        help="run an adversarial attack (MHM, ALERT, WIR-Random, structural) on a model, or a "
        "teacher-student deviation search",
        description="Search, per example, for a semantics-preserving variant that flips the "
        "model's prediction within a query budget; with --student, attack teacher and student "
        "and compare their drops.",
    )
    parser.add_argument("--model", required=True, help="victim model spec (or the teacher)")
    parser.add_argument("--data", required=True, help="data file (see `metacompress data`)")
    parser.add_argument(
        "--method", required=True,
        help="an attack (`metacompress list attacks`) or, with --student, a deviation search "
        "(`metacompress list searches`)",
    )  # fmt: skip
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--task", choices=sorted(LANGUAGES), help="default: clone with --pairs")
    parser.add_argument("--pairs", help="BigCloneBench pair file (clone detection)")
    parser.add_argument("--format", default="auto", help="data format (default: auto)")
    parser.add_argument("--budget", type=int, help="unique victim queries per example")
    parser.add_argument("--limit", type=int, help="seeded stratified sample of N examples")
    parser.add_argument("--seed", type=int, default=0, help="seed of sampling and search")
    parser.add_argument("--mlm", help="masked LM for ALERT (default: MODEL/mlm when present)")
    parser.add_argument("--perturb", choices=("first", "both"), help="clone pairs: sides")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="attack parameter (value read as YAML), e.g. n_candidates=20",
    )
    parser.add_argument("--student", help="student model spec: attack both, compare, transfer")
    parser.add_argument("--batch-size", type=int, help="inputs per model call (default 64)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda, cuda:N or auto")
    parser.add_argument(
        "--allow-pickle", action="store_true", help="accept pickled checkpoints (can run code)"
    )
    parser.add_argument(
        "--trust-remote-code",
        action="store_true",
        help="run code shipped with a model or named by a callable model spec",
    )
    parser.set_defaults(handler=run)


def key_values(texts: list[str]) -> dict[str, Any]:
    """`--param KEY=VALUE` texts as a dict, each value read as YAML."""
    import yaml

    from metacompress.errors import ConfigError

    params: dict[str, Any] = {}
    for text in texts:
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--param must look like KEY=VALUE, got {text!r}")
        params[key.strip()] = yaml.safe_load(value)
    return params


def _params(args: argparse.Namespace) -> dict[str, Any]:
    from metacompress.errors import ConfigError

    params = key_values(args.param)
    for key, value in (("budget", args.budget), ("perturb", args.perturb)):
        if value is not None:
            params[key] = value
    if args.batch_size is not None:
        params["batch_size"] = args.batch_size
    if args.method == "alert":
        mlm = args.mlm or (
            str(Path(args.model) / "mlm") if (Path(args.model) / "mlm").is_dir() else None
        )
        if mlm is not None:
            params.setdefault("mlm", mlm)
        params.setdefault("device", args.device)
    elif args.mlm is not None:
        raise ConfigError(f"--mlm is only used by --method alert, not {args.method}")
    return params


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _deviations(
    search: Any, examples: list, teacher: Any, student: Any, lang: str, seed: int, out: Path
) -> dict[str, Any]:
    """Run a deviation search, its results kept in the journal as found, write them; its
    summary record."""
    from metacompress.attacks.deviation import DeviationResult, summarize
    from metacompress.workflows.attack import write_jsonl
    from metacompress.workflows.attack_journal import open_journal

    engine = search.engine(teacher, student)
    models = f"{teacher.fingerprint}+{student.fingerprint}"
    kept = open_journal(out / JOURNAL / "search.jsonl", search, seed, models, examples,
                        DeviationResult)  # fmt: skip
    started = time.perf_counter()
    try:
        results = search.run(examples, teacher, student, lang, seed, engine=engine,
                             done=kept.done, on_result=kept.write)  # fmt: skip
    finally:
        kept.close()
    seconds = time.perf_counter() - started
    write_jsonl(out / "results.jsonl", [r.to_dict() for r in results])
    summary = summarize(results)
    print(
        f"searched {summary.searched}, triggering inputs found for {summary.found} "
        f"(share {_fmt(summary.found_share)}), median queries {_fmt(summary.median_queries)}, "
        f"queries per triggering input {_fmt(summary.queries_per_found)}"
    )
    record = {"summary": summary.to_dict(), "engine": engine.stats.to_dict(), "seconds": seconds}
    if kept.done or kept.torn:
        record["resumed"] = kept.resumed()
    return record


def _is_search(method: str) -> bool:
    from metacompress.attacks.deviation import SEARCHES

    return method in SEARCHES


def run(args: argparse.Namespace) -> int:
    from metacompress.data.loaders import load_examples
    from metacompress.errors import ConfigError
    from metacompress.models import load_model_as
    from metacompress.registry import get_params
    from metacompress.workflows.attack import attack

    if args.limit is not None and args.limit < 1:
        raise ConfigError(f"--limit must be an integer >= 1, got {args.limit}")
    task = args.task or ("clone" if args.pairs else "vulnerability")
    params = _params(args)
    if _is_search(args.method):
        from metacompress.attacks.deviation import SEARCHES

        if args.student is None:
            raise ConfigError(f"--method {args.method} compares two models; give --student")
        search = SEARCHES.create(args.method, **params)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"cannot create output folder {out}: {error}") from None
    loaded = load_examples(
        args.data, task, format=args.format, limit=args.limit, seed=args.seed, pairs=args.pairs
    )
    examples = loaded.examples
    if not examples:
        raise ConfigError(f"no examples loaded from {args.data} ({len(loaded.skipped)} skipped)")
    options = {"device": args.device, "allow_pickle": args.allow_pickle,
               "trust_remote_code": args.trust_remote_code}  # fmt: skip
    extra = {"data": str(args.data), "data_skipped_rows": len(loaded.skipped)}
    if _is_search(args.method):
        report: dict[str, Any] = {
            "attack": args.method, "params": dict(get_params(search)), "task": task,
            "seed": args.seed, "examples": len(examples), **extra,
        }  # fmt: skip
        teacher = load_model_as("--model", args.model, **options)
        student = load_model_as("--student", args.student, **options)
        lang = LANGUAGES[task]
        report.update(_deviations(search, examples, teacher, student, lang, args.seed, out))
        report.update({"teacher": str(args.model), "student": str(args.student)})
        (out / "summary.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {out / 'summary.json'}")
        shutil.rmtree(out / JOURNAL, ignore_errors=True)
        return 0
    journal = out / JOURNAL
    result = attack(args.method, args.model, examples, student=args.student, task=task,
                    seed=args.seed, load_options=options, journal=journal, **params)  # fmt: skip
    for role, victim in result.runs.items():
        summary = victim.summary
        print(
            f"{role}: attacked {summary.attacked}, success rate "
            f"{_fmt(summary.attack_success_rate)}, {summary.metric} {_fmt(summary.clean)} -> "
            f"{_fmt(summary.adversarial)} (relative drop {_fmt(summary.relative_drop)}), "
            f"mean queries {_fmt(summary.mean_queries)}"
        )
    if result.comparison is not None:
        ratio = result.comparison.drop_ratio
        print(
            "student's relative drop: "
            + ("undefined against a teacher drop of 0" if ratio is None else
               f"{100 * ratio:.1f} % of the teacher's (drop increase "
               f"{result.drop_increase_percent:+.1f} %)")
        )  # fmt: skip
    print(f"wrote {result.write(out, extra)}")
    shutil.rmtree(journal, ignore_errors=True)
    return 0
