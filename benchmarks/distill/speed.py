"""Training speed and memory: a tiny teacher and the three tiny students on 600 Devign functions.

    python benchmarks/distill/speed.py [--src SRC] [--label NAME] [--limit 600] [--threads 2]
        [--out /tmp/mc-distill-speed] [--methods compressor avatar morph]

Each stage is the command a user runs, in its own process (so its peak memory is its own):
`metacompress train-teacher --task vulnerability --data devign/train.jsonl.xz --limit 600
--preset tiny --out T`, then `metacompress distill --method M --teacher T --data
devign/train.jsonl.xz --limit 600 --budget tiny --out S_M` (3 MB, the default size): the 600
functions are a seeded stratified sample, the teacher trains on its labelled half and the
students distil on the other half. --src runs another checkout's `src` (e.g. the code before a
change) under the same conditions. For every stage the script records wall seconds, CPU
seconds (user + system, all threads, from the child's rusage), peak resident memory, and the
validation numbers the stage reports; the machine's load average is recorded beside them,
since the machine may be shared. Results go to `results-speed-LABEL.json` next to this file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SHARED = Path(os.environ.get("METACOMPRESS_SHARED_DATA", ROOT / ".." / "shared" / "data"))


def run_stage(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run one command; its wall time, CPU time and peak RSS (from wait4's rusage)."""
    started = time.time()
    load = os.getloadavg()[0]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"stage failed ({status}): {' '.join(command)}\n{output[-3000:]}")
    return {
        "wall_s": round(time.time() - started, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "load_before": round(load, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="source tree to measure")
    parser.add_argument("--label", default="after")
    parser.add_argument("--limit", type=int, default=600)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("/tmp/mc-distill-speed"))
    parser.add_argument("--methods", nargs="+", default=["compressor", "avatar", "morph"])
    args = parser.parse_args()

    env = {
        **os.environ,
        "PYTHONPATH": str(args.src.resolve()),
        "OMP_NUM_THREADS": str(args.threads),
    }
    data = SHARED / "devign" / "train.jsonl.xz"
    base = [sys.executable, "-m", "metacompress", "--quiet"]
    common = ["--data", str(data), "--limit", str(args.limit), "--seed", "0"]
    out = args.out / args.label
    teacher = out / "teacher"
    stages: dict[str, dict] = {}
    command = [
        *base,
        "train-teacher",
        "--task",
        "vulnerability",
        *common,
        "--preset",
        "tiny",
        "--out",
        str(teacher),
    ]
    stages["teacher"] = run_stage(command, env)
    metrics = json.loads((teacher / "metrics.json").read_text())
    stages["teacher"]["valid_accuracy"] = max(
        h.get("valid_accuracy", 0.0) for h in metrics["history"]["classifier"]
    )
    for method in args.methods:
        folder = out / method
        command = [
            *base,
            "distill",
            "--method",
            method,
            "--teacher",
            str(teacher),
            *common,
            "--budget",
            "tiny",
            "--out",
            str(folder),
        ]
        stages[method] = run_stage(command, env)
        result = json.loads((folder / "metrics.json").read_text())
        stages[method].update(
            {
                "valid_accuracy": result["student"].get("accuracy"),
                "agreement": result["student"]["agreement"],
                "teacher_valid_accuracy": result["teacher"].get("accuracy"),
            }
        )
    total = {k: round(sum(s[k] for s in stages.values()), 1) for k in ("wall_s", "cpu_s")}
    record = {
        "label": args.label,
        "command": " ".join(["python", *sys.argv]),
        "src": str(args.src),
        "threads": args.threads,
        "limit": args.limit,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "stages": stages,
        "total": total,
        "peak_rss_mb": max(s["peak_rss_mb"] for s in stages.values()),
    }
    (HERE / f"results-speed-{args.label}.json").write_text(json.dumps(record, indent=1))
    print(json.dumps(record, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
