"""Transformations per second, per transformation and per family, on one core.

    python benchmarks/transforms/bench_transforms.py --corpus devign --out results.json

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
function) is printed first. With --cpu the process is pinned to that core.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="devign")
    parser.add_argument("--n", type=int, default=None, help="first N functions (default all)")
    parser.add_argument("--repeats", type=int, default=1, help="best of R timed passes")
    parser.add_argument("--only", nargs="*", default=None, help="transformation names")
    parser.add_argument("--cpu", type=int, default=None, help="pin the process to this core")
    parser.add_argument("--out", type=Path, default=None, help="write the JSON report here")
    args = parser.parse_args()
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})

    from metacompress.code.parsing import parse
    from metacompress.code.transform import TRANSFORMS, Applied

    funcs, lang = load(args.corpus, args.n)
    total_bytes = sum(len(code.encode()) for code in funcs)
    clock = ParseClock()
    cpu, wall, *_ = measure(
        lambda i, code: parse(parse(code, lang).code, lang), funcs, args.repeats, clock
    )
    baseline = len(funcs) / cpu
    print(f"{len(funcs)} {lang} functions, {total_bytes / len(funcs):.0f} bytes on average")
    print(
        f"parse-only baseline (2 parses per function): {baseline:.0f}/s CPU, "
        f"{len(funcs) / wall:.0f}/s wall\n"
    )
    print(
        f"{'transformation':32} {'family':15} {'per CPU-s':>9} {'per wall-s':>10} "
        f"{'KB/CPU-s':>8} {'parse':>6} {'parses':>6}  applied"
    )

    rows = []
    for entry in TRANSFORMS.entries():
        if lang not in entry.meta.get("languages", ()):
            continue
        if args.only and entry.name not in args.only:
            continue
        transform = TRANSFORMS.create(entry.name)
        cpu, wall, applied, parse_cpu, parses = measure(
            lambda i, code, t=transform: isinstance(t.apply(code, lang, seed=i), Applied),
            funcs,
            args.repeats,
            clock,
        )
        family = entry.obj.__module__.rsplit(".", 1)[-1]
        row = {
            "name": entry.name,
            "family": family,
            "per_cpu_second": len(funcs) / cpu,
            "per_wall_second": len(funcs) / wall,
            "kb_per_cpu_second": total_bytes / 1024 / cpu,
            "parse_share": parse_cpu / cpu,
            "parses_per_call": parses / len(funcs),
            "applied": applied,
            "applied_share": applied / len(funcs),
            "cpu_seconds": cpu,
            "wall_seconds": wall,
        }
        rows.append(row)
        print(
            f"{entry.name:32} {family:15} {row['per_cpu_second']:9.0f} "
            f"{row['per_wall_second']:10.0f} {row['kb_per_cpu_second']:8.0f} "
            f"{row['parse_share']:6.0%} {row['parses_per_call']:6.2f}  {applied / len(funcs):6.1%}",
            flush=True,
        )

    families: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        families[row["family"]].append(row)
    print(f"\n{'family':15} {'per CPU-s':>10} {'per wall-s':>10}  (all calls / total time)")
    summary = {}
    for family, members in sorted(families.items()):
        calls = len(funcs) * len(members)
        cpu_rate = calls / sum(m["cpu_seconds"] for m in members)
        wall_rate = calls / sum(m["wall_seconds"] for m in members)
        summary[family] = {"per_cpu_second": cpu_rate, "per_wall_second": wall_rate}
        print(f"{family:15} {cpu_rate:10.0f} {wall_rate:10.0f}  ({len(members)} transformations)")

    report = {
        "corpus": args.corpus,
        "functions": len(funcs),
        "mean_bytes": total_bytes / len(funcs),
        "parse_baseline_per_cpu_second": baseline,
        "transforms": rows,
        "families": summary,
        "machine": {
            "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        },
    }
    if args.out is not None:
        args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
