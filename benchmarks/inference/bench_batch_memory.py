"""Resident memory of loading a model and of scoring, and CPU time against tokens per batch.

In this (fresh) process, by stage: imports, loading a model folder with the kernels asked
for, then scoring the first `--n` Devign test functions once per `--budgets` value (the
model's `token_budget`, tokens per batch of batch size "auto"), interleaved as given. Each
stage records VmRSS at its end and VmHWM, the peak since the stage began (the peak is reset
through /proc/self/clear_refs), and CPU time of the process per input.

    python benchmarks/inference/bench_batch_memory.py --model FOLDER \
        --budgets 4096 1024 2048 4096 1024 2048 --out RESULTS.json

FOLDER: a model folder with a metacompress-model.yaml, e.g. the 12-layer victim that
`benchmarks/attacks/bench_attacks.py --layers 12 --hidden 768` builds under its `--work`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import lzma
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from process_memory import reset_peak, status_mb  # noqa: E402

SHARED = Path(
    os.environ.get(
        "METACOMPRESS_SHARED_DATA", Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
    )
).resolve()


def memory_mb() -> dict[str, int]:
    """VmRSS, its anonymous and file-backed parts, and VmHWM of this process, in MB."""
    return status_mb("VmRSS", "RssAnon", "RssFile", "VmHWM")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="model folder or spec")
    parser.add_argument("--kernels", default="auto")
    parser.add_argument("--n", type=int, default=32)
    parser.add_argument("--budgets", type=int, nargs="+", default=[4096, 1024, 2048])
    parser.add_argument(
        "--limit-heap", action="store_true",
        help="fix glibc's mmap threshold at 64 KiB first (what training did until 2026-12-02)",
    )  # fmt: skip
    parser.add_argument("--out", help="write the results as JSON here")
    args = parser.parse_args()
    stages: list[dict] = []

    def stage(name: str, **extra: float) -> None:
        stages.append({"stage": name, **memory_mb(), **extra})
        print(json.dumps(stages[-1]), flush=True)
        reset_peak()

    stage("start")
    import torch

    torch.set_num_threads(1)
    stage("import torch")
    from metacompress.models import load_model

    if args.limit_heap:
        from metacompress.distill.memory import fix_mmap_threshold

        fix_mmap_threshold(64 * 1024)
    stage("import metacompress")
    model = load_model(args.model, kernels=args.kernels)
    stage(f"load ({model.backend_info()['kernels']})")
    with lzma.open(SHARED / "devign" / "test.jsonl.xz", "rt", encoding="utf-8") as handle:
        lines = itertools.islice(handle, args.n)
        batch = [(json.loads(line)["func"],) for line in lines]
    model.predict_proba(batch[:2])
    stage("data and warm-up")
    for budget in args.budgets:
        model.token_budget = budget
        cpu = time.process_time()
        model.predict_proba(batch)
        cpu = time.process_time() - cpu
        stage(f"score, {budget} tokens per batch", cpu_ms_per_input=round(1000 * cpu / args.n, 1))
    if args.out:
        report = {
            "command": " ".join(["python", "benchmarks/inference/bench_batch_memory.py",
                                 *sys.argv[1:]]),
            "load_average": os.getloadavg(),
            "stages": stages,
        }  # fmt: skip
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
