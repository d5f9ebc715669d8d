"""Peak memory of `metacompress run` at 1,000, 5,000 and 10,000 examples.

    python benchmarks/pipeline/bench_memory.py --sizes 1000 5000 10000 --out results.json

Each size runs in a fresh Python process: the built-in synthetic vulnerability benchmark
(`metacompress.data.synth.generate`, seed 0), follow-ups rename-locals and for-to-while, every
relation, 200 bootstrap resamples, no reports, and a cheap callable model pair (P(vulnerable)
from a hash of the code), so the numbers are the pipeline's own, not a model's. Recorded per
size: ru_maxrss of the process (peak resident memory), the resident memory before the run
(interpreter, libraries, the generated examples), the tracemalloc peak of Python allocations
during each stage (`--tracemalloc`; slower), the size of the data (code characters) and of the
run store (run.sqlite), and the stage timings.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from synthetic_run import callable_pair, synthetic_config, write_report

FOLLOWUPS = ["rename-locals", "for-to-while"]
STAGES = ("load", "variants", "attacks", "inference", "relation_stage", "aggregate")


def hashed_probs(batch: list[tuple[str, ...]]) -> np.ndarray:
    """P(positive) in [0.02, 0.98] from the first byte of sha256(code)."""
    p = np.array(
        [0.02 + 0.96 * hashlib.sha256("\0".join(x).encode()).digest()[0] / 255 for x in batch]
    )
    return np.stack([1 - p, p], axis=1)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(n: int, out: Path, trace: bool) -> dict:
    """Run one size in this process and return its measurements."""
    import tracemalloc

    from metacompress.data.synth import generate
    from metacompress.pipeline import runner as runner_module
    from metacompress.rundir.store import RunStore

    examples = generate("vulnerability", n, 0)
    data_chars = sum(len(text) for e in examples for text in e.inputs)
    before = rss_mb()
    peaks: dict[str, float] = {}
    if trace:
        tracemalloc.start()

        def traced(owner: type, name: str) -> None:
            original = getattr(owner, name)

            def wrapper(*args, **kwargs):
                tracemalloc.reset_peak()
                base = tracemalloc.get_traced_memory()[0]
                result = original(*args, **kwargs)
                peak = tracemalloc.get_traced_memory()[1] - base
                peaks[name] = round(max(peaks.get(name, 0.0), peak / 2**20), 1)
                return result

            setattr(owner, name, wrapper)

        for stage in STAGES:
            traced(runner_module.Runner, stage)
        traced(RunStore, "export")
    config = synthetic_config(n, FOLLOWUPS, out)
    models = callable_pair(hashed_probs)
    start = time.perf_counter()
    outcome = runner_module.run_experiment(config, data=examples, models=models)
    return {
        "examples": n,
        "data_chars": data_chars,
        "seconds": round(time.perf_counter() - start, 1),
        "rss_before_run_mb": round(before, 1),
        "peak_rss_mb": round(rss_mb(), 1),
        "run_sqlite_mb": round((out / "run.sqlite").stat().st_size / 2**20, 1),
        "tracemalloc_peak_mb_by_stage": peaks or None,
        "stages": outcome.summary["timings"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--tracemalloc", action="store_true", help="per-stage Python peaks")
    parser.add_argument("--out", type=Path, help="write the JSON report here too")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--run-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one, args.run_dir, args.tracemalloc)))
        return
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            command = [sys.executable, __file__, "--one", str(n), "--run-dir", f"{tmp}/run{n}"]
            if args.tracemalloc:
                command.append("--tracemalloc")
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(json.dumps(results[-1]), flush=True)
    report = {
        "command": "python benchmarks/pipeline/bench_memory.py --sizes "
        + " ".join(map(str, args.sizes))
        + (" --tracemalloc" if args.tracemalloc else ""),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "followups": FOLLOWUPS,
        "results": results,
    }
    write_report(report, args.out)


if __name__ == "__main__":
    main()
