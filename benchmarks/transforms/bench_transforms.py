"""Transformations per second, per transformation and per family, on one core.

    python benchmarks/transforms/bench_transforms.py --corpus devign bigclonebench --out results.json

Every transformation registered in TRANSFORMS that supports the corpus's language is measured
(so new families are measured without touching this script), with its default parameters:
`apply(code, lang, seed=i)` on each function i of the corpus (the 2,732 Devign test functions
by default), end to end: parsing the input, the transformation, applying the edits and the
re-parse that checks the output has no more parse errors. The rate counts every call, applied
or not ("not applicable" answers are work too); the applied share is reported beside it.
Rates are given per CPU-second of this process (time.process_time: what one core delivers,
robust to other jobs on a shared machine) and per wall-clock second, and as kilobytes of
input per CPU-second (to compare languages whose functions differ in size). Where the time
goes: the share of CPU time spent inside tree-sitter's parser (every parse a call makes: the
input, the Java wrapper, the implicit-int retry, the check of the output) and the parses per
call; the rest is the transformation's own work (finding sites, edits, checks). The family is
the catalogue module that registers the transformation. A parse-only baseline (two parses per
function) is printed first; each rate is also given as a share of it ("of parse"), which moves
less with the machine's load than the rate itself. With several corpora (C and Java), each
transformation is measured on each in turn and the Java over C ratio of KB per CPU-second is
printed. With --cpu the process is pinned to that core.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import platform
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("METACOMPRESS_SHARED_DATA", ROOT.parent / "shared" / "data"))
CORPORA = {
    "devign": ("devign/test.jsonl.xz", "c"),
    "bigclonebench": ("bigclonebench/data.jsonl.xz", "java"),
}


def load(corpus: str, n: int | None) -> tuple[list[str], str]:
    path, lang = CORPORA[corpus]
    with lzma.open(SHARED / path, "rt", encoding="utf-8") as handle:
        funcs = [json.loads(line)["func"] for line in handle]
    return (funcs[:n] if n else funcs), lang


class ParseClock:
    """CPU time and count of the parser calls of `metacompress.code.parsing` (it wraps the one
    function through which every parse goes)."""

    def __init__(self) -> None:
        from metacompress.code import parsing

        self.seconds = 0.0
        self.calls = 0
        inner = parsing._parse_bytes

        def timed(data: bytes, lang: str):
            start = time.process_time()
            tree = inner(data, lang)
            self.seconds += time.process_time() - start
            self.calls += 1
            return tree

        parsing._parse_bytes = timed

    def reset(self) -> None:
        self.seconds, self.calls = 0.0, 0


def measure(fn, funcs: list[str], repeats: int, clock: ParseClock) -> tuple[float, ...]:
    """Best-of-`repeats` CPU time and wall time of calling fn(i, code) on every function, the
    number of calls that returned a truthy value, and the parser's CPU time and calls in the
    pass with the best CPU time."""
    best = (float("inf"), float("inf"), 0, 0.0, 0)
    for _ in range(repeats):
        clock.reset()
        cpu, wall = time.process_time(), time.perf_counter()
        hits = sum(1 for index, code in enumerate(funcs) if fn(index, code))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if cpu < best[0]:
            best = (cpu, min(wall, best[1]), hits, clock.seconds, clock.calls)
        else:
            best = (best[0], min(wall, best[1]), *best[2:])
    return best


def transform_row(
    entry, funcs: list[str], lang: str, repeats: int, clock: ParseClock, baseline: float
) -> dict:
    """The measurements of one transformation on one corpus (see the module docstring)."""
    from metacompress.code.transform import TRANSFORMS, Applied

    transform = TRANSFORMS.create(entry.name)
    cpu, wall, applied, parse_cpu, parses = measure(
        lambda i, code: isinstance(transform.apply(code, lang, seed=i), Applied),
        funcs,
        repeats,
        clock,
    )
    total_bytes = sum(len(code.encode()) for code in funcs)
    return {
        "name": entry.name,
        "family": entry.obj.__module__.rsplit(".", 1)[-1],
        "per_cpu_second": len(funcs) / cpu,
        "per_wall_second": len(funcs) / wall,
        "kb_per_cpu_second": total_bytes / 1024 / cpu,
        "of_parse_baseline": len(funcs) / cpu / baseline,
        "parse_share": parse_cpu / cpu,
        "parses_per_call": parses / len(funcs),
        "applied": applied,
        "applied_share": applied / len(funcs),
        "cpu_seconds": cpu,
        "wall_seconds": wall,
    }


def family_rates(rows: list[dict], functions: int) -> dict[str, dict[str, float]]:
    """Per family: all calls over the total CPU and wall time of its transformations."""
    families: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        families[row["family"]].append(row)
    return {
        family: {
            "per_cpu_second": functions * len(members) / sum(m["cpu_seconds"] for m in members),
            "per_wall_second": functions * len(members) / sum(m["wall_seconds"] for m in members),
            "transformations": len(members),
        }
        for family, members in sorted(families.items())
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", choices=sorted(CORPORA), nargs="+", default=["devign"],
        help="one or more corpora; with several, each transformation is measured on each in "
        "turn, so they share the machine's load",
    )  # fmt: skip
    parser.add_argument("--n", type=int, default=None, help="first N functions (default all)")
    parser.add_argument("--repeats", type=int, default=1, help="best of R timed passes")
    parser.add_argument("--only", nargs="*", default=None, help="transformation names")
    parser.add_argument("--cpu", type=int, default=None, help="pin the process to this core")
    parser.add_argument("--out", type=Path, default=None, help="write the JSON report here")
    args = parser.parse_args()
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})

    from metacompress.code.parsing import parse
    from metacompress.code.transform import TRANSFORMS

    clock = ParseClock()
    corpora = {}
    for corpus in args.corpus:
        funcs, lang = load(corpus, args.n)
        total_bytes = sum(len(code.encode()) for code in funcs)
        cpu, wall, *_ = measure(
            lambda i, code, lang=lang: parse(parse(code, lang).code, lang),
            funcs,
            args.repeats,
            clock,
        )
        corpora[corpus] = {
            "lang": lang,
            "functions": len(funcs),
            "mean_bytes": total_bytes / len(funcs),
            "parse_baseline_per_cpu_second": len(funcs) / cpu,
            "parse_baseline_kb_per_cpu_second": total_bytes / 1024 / cpu,
            "transforms": [],
            "funcs": funcs,
        }
        print(
            f"{corpus}: {len(funcs)} {lang} functions, {total_bytes / len(funcs):.0f} bytes on "
            f"average; parse-only baseline (2 parses per function): {len(funcs) / cpu:.0f}/s "
            f"CPU, {len(funcs) / wall:.0f}/s wall"
        )
    print(
        f"\n{'transformation':30} {'corpus':13} {'per CPU-s':>9} {'per wall-s':>10} "
        f"{'KB/CPU-s':>8} {'of parse':>8} {'parse':>6} {'parses':>6}  applied"
    )
    for entry in TRANSFORMS.entries():
        if args.only and entry.name not in args.only:
            continue
        for corpus, report in corpora.items():
            if report["lang"] not in entry.meta.get("languages", ()):
                continue
            row = transform_row(
                entry,
                report["funcs"],
                report["lang"],
                args.repeats,
                clock,
                report["parse_baseline_per_cpu_second"],
            )
            report["transforms"].append(row)
            print(
                f"{entry.name:30} {corpus:13} {row['per_cpu_second']:9.0f} "
                f"{row['per_wall_second']:10.0f} {row['kb_per_cpu_second']:8.0f} "
                f"{row['of_parse_baseline']:8.2f} {row['parse_share']:6.0%} "
                f"{row['parses_per_call']:6.2f}  {row['applied_share']:6.1%}",
                flush=True,
            )

    for corpus, report in corpora.items():
        del report["funcs"]
        report["families"] = family_rates(report["transforms"], report["functions"])
        print(f"\n{corpus}: {'family':15} {'per CPU-s':>10} {'per wall-s':>10}")
        for family, rates in report["families"].items():
            print(
                f"{'':{len(corpus) + 2}}{family:15} {rates['per_cpu_second']:10.0f} "
                f"{rates['per_wall_second']:10.0f}  ({rates['transformations']} transformations)"
            )
    result = {
        "corpora": corpora,
        "machine": {
            "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        },
    }
    if "devign" in corpora and "bigclonebench" in corpora:
        c_rates = {r["name"]: r["kb_per_cpu_second"] for r in corpora["devign"]["transforms"]}
        result["java_over_c_per_kb"] = {
            row["name"]: row["kb_per_cpu_second"] / c_rates[row["name"]]
            for row in corpora["bigclonebench"]["transforms"]
            if row["name"] in c_rates
        }
        ratios = sorted(result["java_over_c_per_kb"].values())
        print(
            f"\nJava (BigCloneBench) over C (Devign), KB per CPU-s: median "
            f"{ratios[len(ratios) // 2]:.2f}, from {ratios[0]:.2f} to {ratios[-1]:.2f}"
        )
    if args.out is not None:
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
