"""What the batch form of `metacompress transform` saves over one command per file.

    python benchmarks/transforms/bench_batch.py --corpus devign --n 1000 --singles 40

Three ways to get every transformation of the corpus's language (seed 0) for the first N
functions, each measured as the CPU time (user + system) of the processes it runs:

- batch: one `metacompress transform --in FUNCS.jsonl --out VARIANTS.jsonl` (all
  transformations, so one row per function and transformation);
- library: `metacompress.code.batch.variant_rows` over the same inputs in this process (the
  work without start-up, reading and writing);
- per file: `metacompress transform --name NAME FILE` run once per (function, transformation),
  as a script around the single-file form does; the cost per call is measured on `--singles`
  calls (the first functions, every transformation in turn) and multiplied out.

Printed: rows per CPU-second of each, the start-up share of a single call, and the ratios.
CPU time is what the machine spends and is steady under load; wall time is printed beside it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import lzma
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("METACOMPRESS_SHARED_DATA", ROOT.parent / "shared" / "data"))
CORPORA = {
    "devign": ("devign/test.jsonl.xz", "c"),
    "bigclonebench": ("bigclonebench/data.jsonl.xz", "java"),
}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str]) -> tuple[float, float]:
    """CPU seconds (of the child processes) and wall seconds of one command, which must exit 0,
    or 3 (`transform`: not applicable)."""
    cpu, wall = children_cpu(), time.perf_counter()
    status = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if status.returncode not in (0, 3):
        sys.exit(f"{' '.join(command)}: exit {status.returncode}: {status.stderr.decode()}")
    return children_cpu() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="devign")
    parser.add_argument("--n", type=int, default=1000, help="first N functions")
    parser.add_argument("--singles", type=int, default=40, help="single-file calls to time")
    parser.add_argument("--out", type=Path, default=None, help="write the JSON report here")
    args = parser.parse_args()

    from metacompress.code.batch import Input, transformations, variant_rows
    from metacompress.code.transform import TRANSFORMS

    path, lang = CORPORA[args.corpus]
    with lzma.open(SHARED / path, "rt", encoding="utf-8") as handle:
        funcs = [json.loads(line)["func"] for line in itertools.islice(handle, args.n)]
    names = [e.name for e in TRANSFORMS.entries() if lang in e.meta.get("languages", ())]
    command = [sys.executable, "-m", "metacompress", "--quiet", "transform", "--lang", lang]
    suffix = {"c": ".c", "java": ".java"}[lang]

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "funcs.jsonl"
        source.write_text("".join(json.dumps({"func": f}) + "\n" for f in funcs))
        batch_cpu, batch_wall = run([*command, "--in", str(source), "--out", str(work / "v.jsonl")])
        rows = sum(1 for _ in (work / "v.jsonl").open())

        chosen = transformations(names)
        cpu, wall = time.process_time(), time.perf_counter()
        inputs = (Input(str(i), f, lang) for i, f in enumerate(funcs))
        library_rows = sum(1 for _ in variant_rows(inputs, chosen, [0]))
        library_cpu, library_wall = time.process_time() - cpu, time.perf_counter() - wall

        single_cpu = single_wall = 0.0
        for call in range(args.singles):
            file = work / f"f{call}{suffix}"
            file.write_text(funcs[call % len(funcs)])
            name = names[call % len(names)]
            cpu, wall = run([*command, "--name", name, str(file)])
            single_cpu += cpu
            single_wall += wall
        startup_cpu, _ = run([*command[:4], "list", "transforms"])

    per_single = single_cpu / args.singles
    report = {
        "corpus": args.corpus,
        "functions": len(funcs),
        "transformations": len(names),
        "rows": rows,
        "batch": {"cpu_seconds": batch_cpu, "wall_seconds": batch_wall},
        "library": {"cpu_seconds": library_cpu, "wall_seconds": library_wall, "rows": library_rows},
        "single_file_call": {
            "cpu_seconds": per_single,
            "wall_seconds": single_wall / args.singles,
            "calls_timed": args.singles,
        },
        "start_up_cpu_seconds": startup_cpu,
        "load_average": os.getloadavg(),
    }
    print(f"{len(funcs)} {lang} functions x {len(names)} transformations = {rows} rows")
    print(
        f"batch CLI:   {rows / batch_cpu:7.0f} rows per CPU-s ({batch_cpu:.1f} CPU-s, "
        f"{batch_wall:.1f} wall-s)"
    )
    print(f"library:     {rows / library_cpu:7.0f} rows per CPU-s ({library_cpu:.1f} CPU-s)")
    print(
        f"per file:    {1 / per_single:7.1f} rows per CPU-s ({per_single:.3f} CPU-s a call, "
        f"{startup_cpu:.3f} of it start-up; {rows * per_single:.0f} CPU-s for all rows)"
    )
    print(
        f"batch is {per_single * rows / batch_cpu:.0f}x faster than one call per file, "
        f"and takes {batch_cpu / library_cpu:.2f}x the library's time"
    )
    if args.out is not None:
        args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
