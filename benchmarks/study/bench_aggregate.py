"""CPU and wall time of a finished run's aggregate stage (rates, tests, set-level intervals),
re-run alone on its run directory; the rates rows go to `--rows` for comparing two versions.

    python benchmarks/study/bench_study.py --n 500 --keep /tmp/study-bench
    OMP_NUM_THREADS=1 python benchmarks/study/bench_aggregate.py /tmp/study-bench/study \
        --rows /tmp/rows.json
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--rows", type=Path, help="write the rates rows here (JSON)")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from metacompress.pipeline import aggregate
    from metacompress.pipeline.config import load_config
    from metacompress.pipeline.runner import needs_hidden
    from metacompress.rundir.store import RunStore

    config = load_config(args.run_dir / "config.yaml")
    relations = [(spec.id, spec.create()) for spec in config.relations]
    hidden = any(needs_hidden(r) for _, r in relations)
    with RunStore(args.run_dir) as store:
        start, cpu = time.perf_counter(), time.process_time()
        result = aggregate.aggregate(store, config, relations, hidden)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - start
    print(json.dumps({"cpu_seconds": round(cpu, 2), "seconds": round(wall, 2),
                      "load_average": [round(x, 2) for x in os.getloadavg()]}))  # fmt: skip
    if args.rows:
        rows = [r.row() for r in result.rows["rates"]]
        args.rows.write_text(json.dumps(rows, default=str))


if __name__ == "__main__":
    main()
