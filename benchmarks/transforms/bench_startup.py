"""Start-up time of the light `metacompress` commands: what a script that calls the CLI once
per file pays on every call.

    python benchmarks/transforms/bench_startup.py --repeats 15 --out startup.json

Each command runs `--repeats` times in a fresh interpreter (`python -m metacompress ...`, the
console script's own work); printed are the median and the minimum CPU time (user + system of
the child process, steady under load) and wall time, beside two references: an empty
interpreter (`python -c pass`) and `import numpy`. Target (issue 18): `list`, `transform` and
`data inspect` start in under 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(command: list[str]) -> tuple[float, float]:
    """CPU seconds of the child and wall seconds of one run of `command`, which must exit 0."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode != 0:
        sys.exit(f"{' '.join(command)}: exit {completed.returncode}: {completed.stderr.decode()}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="runs of each command")
    parser.add_argument("--out", type=Path, default=None, help="write the JSON report here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        code = Path(folder) / "f.c"
        code.write_text("int f(int a) { if (a) { return 1; } else { return 2; } }\n")
        data = Path(folder) / "d.jsonl"
        data.write_text('{"func": "int f() { return 1; }", "target": 0}\n')
        cli = [sys.executable, "-m", "metacompress"]
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "python -c 'import numpy'": [sys.executable, "-c", "import numpy"],
            "metacompress --help": [*cli, "--help"],
            "metacompress list transforms": [*cli, "list", "transforms"],
            "metacompress transform --name swap-if-else f.c": [
                *cli, "transform", "--name", "swap-if-else", str(code)
            ],
            "metacompress data inspect --task vulnerability d.jsonl": [
                *cli, "data", "inspect", "--task", "vulnerability", str(data)
            ],
        }  # fmt: skip
        report: dict[str, dict[str, float]] = {}
        for name, command in commands.items():
            runs = [timed(command) for _ in range(args.repeats)]
            cpu, wall = [r[0] for r in runs], [r[1] for r in runs]
            report[name] = {
                "cpu_median": statistics.median(cpu),
                "cpu_min": min(cpu),
                "wall_median": statistics.median(wall),
                "wall_min": min(wall),
            }
            row = report[name]
            print(
                f"{name:56} CPU median {row['cpu_median']:.3f} s (min {row['cpu_min']:.3f}), "
                f"wall median {row['wall_median']:.3f} s (min {row['wall_min']:.3f})",
                flush=True,
            )
    load = os.getloadavg()
    print(f"load average {load[0]:.1f}")
    if args.out is not None:
        result = {"repeats": args.repeats, "commands": report, "load_average": load}
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
