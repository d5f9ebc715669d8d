"""`metacompress run CONFIG.yaml`: one experiment, its run directory, its gates.

    metacompress run CONFIG.yaml [--out DIR] [--limit N] [--resume] [--workers N]
                     [--backend local|ray] [--ray-address ADDRESS] [--device DEVICE]
                     [--max-violation RELATION[@FOLLOWUP][:MEASURE]=LIMIT ...]
                     [--fail-under RELATION[@FOLLOWUP][:MEASURE]=LIMIT ...]
                     [--allow-pickle] [--trust-remote-code]

Gates (also settable in the config's `gates:`; `metacompress.pipeline.gates`,
docs/relations.md): ``--max-violation R=0.05`` fails when the violation rate of relation R on
all follow-ups pooled exceeds 0.05; ``--fail-under R=0.95`` fails when the rate at which R
holds is below 0.95 (the same gate, other spelling); ``R@SET=...`` judges one set instead (a
follow-up id, ``source``, or a pool: ``transformations``, ``attacks``, ``all``); ``R:induced=``
reads the induced rate (violations among the pairs whose source pair holds), ``R:difference=``
the rate minus the source rate, ``R:value=`` the value of a set-level relation (``ece-gap``).
Exit status: 0 every gate holds, 1 a gate failed, 2 usage or config error (bad config,
unwritable output folder, run directory that holds another run) or an incomplete run: a
follow-up whose every variant failed tested nothing, so the run exits 2 after writing its whole
run directory, whatever its gates say (`metacompress.pipeline.health`). Warnings (a model whose
classes look inverted, as `check-model` judges it) go to stderr and do not change the status.

Backends (also settable in the config's `backend:` and `ray_address:`): ``local`` runs on this
machine (``--workers N`` processes parse and transform); ``ray`` shards transformations,
attacks and model inference over N Ray actors, each holding both models, on a local Ray
instance started for the run or, with ``--ray-address`` (``auto``, ``HOST:PORT``,
``ray://HOST:PORT``, implies ``--backend ray``), on that cluster. Both give the same tables.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run a MetaCompress experiment from a YAML config",
        description="Run teacher and student on source and follow-up inputs, check the "
        "metamorphic relations between them, write the run directory and apply the gates.",
        epilog="A gate judges all follow-ups pooled, or one set with RELATION@SET (a follow-up, "
        "source, transformations, attacks, all), and reads the violation rate, or MEASURE with "
        "RELATION:MEASURE (rate, induced, difference; value for a set-level relation); "
        "--max-violation R=0.05 and --fail-under R=0.95 are the same gate. "
        "Exit status: 0 every gate holds, 1 a gate failed, 2 usage or config error.",
    )
    parser.add_argument("config", help="experiment config (YAML)")
    parser.add_argument("--out", help="run directory (default: the config's output)")
    parser.add_argument("--limit", type=int, help="seeded stratified sample of N examples")
    parser.add_argument(
        "--resume", action="store_true", help="continue the run in the run directory"
    )
    parser.add_argument(
        "--workers", type=int, help="processes (local) or Ray actors (ray) doing the work"
    )
    parser.add_argument(
        "--backend", help="where the work runs: local, ray, ... (`metacompress list executors`)"
    )
    parser.add_argument(
        "--ray-address",
        metavar="ADDRESS",
        help="Ray cluster to join (auto, HOST:PORT, ray://HOST:PORT); implies --backend ray",
    )
    parser.add_argument("--device", help="cpu, cuda, cuda:N or auto (default: the config's)")
    parser.add_argument(
        "--max-violation",
        action="append",
        default=[],
        metavar="RELATION[@SET][:MEASURE]=LIMIT",
        help="fail (exit 1) when the measure (default: the violation rate) exceeds LIMIT",
    )
    parser.add_argument(
        "--fail-under",
        action="append",
        default=[],
        metavar="RELATION[@SET][:MEASURE]=LIMIT",
        help="fail (exit 1) when 1 - the rate (rate or induced) is below LIMIT",
    )
    parser.add_argument(
        "--allow-pickle", action="store_true", help="accept pickled checkpoints (can run code)"
    )
    parser.add_argument(
        "--trust-remote-code",
        action="store_true",
        help="run code shipped with a model or named by a callable model spec",
    )
    parser.set_defaults(handler=run)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def overrides(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, str]]:
    """The config keys the command line sets, and the flag that set each (for errors).

    ``--ray-address`` implies ``--backend ray``; ``--backend local`` drops the config's
    cluster address. Whether the values are valid is the config parser's business.
    """
    values: dict[str, Any] = {}
    flags: dict[str, str] = {"out": "--out", "limit": "--limit"}
    for key in ("workers", "device", "backend", "ray_address"):
        if getattr(args, key) is not None:
            values[key] = getattr(args, key)
            flags[key] = "--" + key.replace("_", "-")
    if args.ray_address is not None and args.backend is None:
        values["backend"], flags["backend"] = "ray", "--ray-address"
    if args.backend == "local" and args.ray_address is None:
        values["ray_address"] = None
    for key in ("allow_pickle", "trust_remote_code"):
        if getattr(args, key):
            values[key], flags[key] = True, "--" + key.replace("_", "-")
    return values, flags


def run(args: argparse.Namespace) -> int:
    from metacompress.pipeline.config import load_config
    from metacompress.pipeline.relation_specs import parse_gate
    from metacompress.pipeline.runner import run_experiment

    gates = [parse_gate(text, "max_violation") for text in args.max_violation]
    gates += [parse_gate(text, "fail_under") for text in args.fail_under]
    values, flags = overrides(args)
    config = load_config(
        args.config, out=args.out, limit=args.limit, extra_gates=gates, overrides=values,
        flags=flags,
    )  # fmt: skip
    outcome = run_experiment(config, resume=args.resume)
    summary = outcome.summary
    counts = summary["counts"]
    print(f"run directory: {outcome.run_dir}")
    print(
        f"examples: {counts['examples']}, unique inputs: {counts['unique_inputs']}, "
        f"errors: {sum(counts['errors'].values())}"
    )
    gaps = summary["results"]["gaps"]
    accuracy = gaps.get("accuracy_gap") or {}
    print(f"accuracy gap (teacher - student, clean): {_fmt(accuracy.get('value'))}")
    for pool, relations in gaps["behaviour_gap"].items():
        for relation, gap in relations.items():
            key = "induced" if "induced" in gap else "value"
            label = "induced rate" if key == "induced" else "value"
            print(f"behaviour gap {relation} on {pool}: {label} {_fmt(gap[key])}")
    for gate in outcome.gates:
        print(f"gate {'PASS' if gate.passed else 'FAIL'}: {gate.name}: {gate.message}")
    for warning in summary.get("warnings", ()):
        print(f"metacompress: warning: {warning}", file=sys.stderr)
    if not outcome.complete:
        names = ", ".join(summary["failed_followups"])
        print(f"metacompress: error: incomplete run: every variant of {names} failed; see the "
              "errors table of the run directory", file=sys.stderr)  # fmt: skip
        return 2
    return 0 if outcome.passed else 1
