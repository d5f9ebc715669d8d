"""Scaling from one to two workers: the same run on the local and the Ray backend.

    python benchmarks/pipeline/bench_scaling.py --n 2000 --out results.json

The built-in synthetic vulnerability benchmark (`--n` examples, seed 0), follow-ups
rename-locals, for-to-while and insert-unused-variable, every relation, 200 bootstrap resamples,
no reports, and a callable model pair that costs `--model-ms` milliseconds of CPU per input
(a hash loop standing in for a model), so both the transformation work and the model work can
be spread over workers. Configurations: local with 1 and 2 processes, Ray with 1 and 2 actors.
The Ray instance and its actors are started before the clock starts (the executor is handed to
the run), so the numbers are steady-state throughput; the start-up is reported apart. Speed-up
= time with 1 worker / time with 2. The per-example tables of all four runs are compared.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
from synthetic_run import callable_pair, synthetic_config, write_report

FOLLOWUPS = ["rename-locals", "for-to-while", "insert-unused-variable"]
#: CPU milliseconds per input of the stand-in model (set by --model-ms; read in the workers).
MODEL_MS_ENV = "METACOMPRESS_BENCH_MODEL_MS"


def busy_probs(batch: list[tuple[str, ...]]) -> np.ndarray:
    """P(positive) from sha256 of the code, after a hash loop of the configured CPU time."""
    milliseconds = float(os.environ.get(MODEL_MS_ENV, "2"))
    rows = []
    for inputs in batch:
        digest = "\0".join(inputs).encode()
        deadline = time.process_time() + milliseconds / 1000
        while time.process_time() < deadline:
            hashlib.sha256(digest).digest()
        rows.append(0.02 + 0.96 * hashlib.sha256(digest).digest()[0] / 255)
    p = np.array(rows)
    return np.stack([1 - p, p], axis=1)


def run(n: int, out: Path, executor) -> dict:
    from metacompress.data.synth import generate
    from metacompress.pipeline.runner import run_experiment

    config = synthetic_config(n, FOLLOWUPS, out)
    models = callable_pair(busy_probs)
    start = time.perf_counter()
    outcome = run_experiment(config, data=generate("vulnerability", n, 0), models=models,
                             executor=executor)  # fmt: skip
    seconds = time.perf_counter() - start
    return {
        "seconds": round(seconds, 2),
        "stages": outcome.summary["timings"],
        "tables": {p.name: p.read_bytes() for p in sorted((out / "tables").glob("*.csv"))},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--model-ms", type=float, default=2.0, help="model CPU ms per input")
    parser.add_argument("--out", type=Path, help="write the JSON report here too")
    args = parser.parse_args()
    os.environ[MODEL_MS_ENV] = str(args.model_ms)  # inherited by pool and Ray workers
    from metacompress.pipeline.executors.local import LocalExecutor
    from metacompress.pipeline.executors.ray_actors import RayExecutor

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, 2):
            with LocalExecutor(workers) as executor:
                result = run(args.n, Path(tmp) / f"local{workers}", executor)
            results.append({"backend": "local", "workers": workers, **result})
            print(json.dumps({k: v for k, v in results[-1].items() if k != "tables"}), flush=True)
        for workers in (1, 2):
            executor = RayExecutor(workers)
            start = time.perf_counter()
            executor.worker_pids()  # Ray and the actors up before the clock starts
            startup = time.perf_counter() - start
            try:
                result = run(args.n, Path(tmp) / f"ray{workers}", executor)
            finally:
                executor.close()
            results.append({"backend": "ray", "workers": workers, "startup_seconds":
                            round(startup, 1), **result})  # fmt: skip
            print(json.dumps({k: v for k, v in results[-1].items() if k != "tables"}), flush=True)
    reference = results[0]["tables"]
    for result in results:
        result["tables_identical_to_local_1"] = result.pop("tables") == reference
    speedup = {
        backend: round(
            next(r["seconds"] for r in results if r["backend"] == backend and r["workers"] == 1)
            / next(r["seconds"] for r in results if r["backend"] == backend and r["workers"] == 2),
            2,
        )
        for backend in ("local", "ray")
    }
    report = {
        "command": f"python benchmarks/pipeline/bench_scaling.py --n {args.n} "
        f"--model-ms {args.model_ms}",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average": os.getloadavg(),
        "followups": FOLLOWUPS,
        "results": results,
        "speedup_1_to_2_workers": speedup,
    }
    write_report(report, args.out)


if __name__ == "__main__":
    main()
