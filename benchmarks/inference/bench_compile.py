"""torch.compile (inductor, CPU) against the kernels and modelling the model layer chooses at
load: CPU time per input, compile time, and the largest |P - P(transformers eager)|.

    python benchmarks/inference/bench_compile.py --models teacher-125m student --n 8 \
        --out results-compile.json

Models: `bench_inference.py`'s teacher-125m (CodeBERT's sizes, 512 tokens) and 3 MB student
(400 tokens), random weights. Modes, on the first N Devign test functions through
`predict_proba` (length-sorted batches, dynamic padding, 1,024 tokens per CPU batch):
- transformers: transformers' modelling code, torch's kernels (the reference);
- lean: the lean RoBERTa (`metacompress.models.lean_roberta`), torch's kernels;
- auto: what `load_model` chooses (modelling and kernels: `backend_info()`);
- compiled: the lean RoBERTa with torch's kernels, its encoder's forward wrapped in
  `torch.compile` (inductor, `dynamic=True`, since every batch has its own length); its first
  call, on a 4-input batch,
  is the compile time (this process's CPU time; gcc and inductor's workers run in child
  processes, counted as their CPU time once they have ended: `compiler_processes_cpu_s*`), and
  later calls with shapes it has not seen may compile again (inside the timed pass's CPU
  time).
Modes run `--repeat` times, interleaved, the fastest CPU time of each kept. `--freezing` sets
inductor's freezing (weights folded as constants and, on a CPU, prepacked for oneDNN).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_inference import (  # noqa: E402
    SHARED,
    TEACHERS,
    build_student,
    build_teacher,
    devign_functions,
    timed,
)


def children_cpu() -> float:
    """CPU seconds of this process's ended children (inductor's compiler processes; their
    workers count when the pool is shut down, hence also read at the end)."""
    times = os.times()
    return times.children_user + times.children_system


def compiled_model(spec: Path):
    """The lean model with torch's kernels, its encoder's forward behind torch.compile
    (compiled on its first call; the head and the hook that keeps the first token, which
    dynamo cannot trace, stay eager)."""
    from metacompress.models import load_model

    model = load_model(spec, kernels="eager", modelling="lean")
    encoder = model.backend.module.encoder.base_model
    encoder.forward = torch.compile(encoder.forward, backend="inductor", dynamic=True)
    return model


def bench(name: str, spec: Path, batch: list[tuple[str, ...]], repeat: int) -> dict:
    from metacompress.models import load_model

    n = len(batch)
    modes = {
        "transformers": load_model(spec, kernels="eager", modelling="transformers"),
        "lean": load_model(spec, kernels="eager", modelling="lean"),
        "auto": load_model(spec),
        "compiled": compiled_model(spec),
    }
    first: dict[str, dict[str, float]] = {}
    for mode, model in modes.items():
        children = children_cpu()
        wall, cpu, _ = timed(model.predict_proba, batch[:4])  # warm-up; compiles "compiled"
        first[mode] = {
            "wall_s": round(wall, 2),
            "cpu_s": round(cpu, 2),
            "compiler_processes_cpu_s": round(children_cpu() - children, 2),
        }
    runs: dict[str, list[float]] = {mode: [] for mode in modes}
    probs: dict[str, np.ndarray] = {}
    for _ in range(repeat):
        for mode, model in modes.items():
            _, cpu, probs[mode] = timed(model.predict_proba, batch)
            runs[mode].append(cpu)
    reference = probs["transformers"]
    base = min(runs["transformers"])
    items = modes["lean"].encoder.encode_batch(batch)
    return {
        "model": name,
        "inputs": n,
        "mean_tokens": float(np.mean([item.length for item in items])),
        "auto": modes["auto"].backend_info(),
        "modes": {
            mode: {
                "first_call_4_inputs": first[mode],
                "cpu_ms_per_input": round(1000 * min(cpu) / n, 2),
                "cpu_ms_per_input_runs": [round(1000 * c / n, 2) for c in cpu],
                "cpu_speedup_vs_transformers": round(base / min(cpu), 3),
                "max_abs_diff_vs_transformers": float(np.max(np.abs(probs[mode] - reference))),
            }
            for mode, cpu in runs.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["teacher-125m", "student"])
    parser.add_argument("--n", type=int, default=8, help="number of Devign test functions")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--freezing", action="store_true",
        help="inductor's freezing (weights as constants, prepacked for oneDNN on a CPU)",
    )  # fmt: skip
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.freezing:
        from torch._inductor import config as inductor_config

        inductor_config.freezing = True
    batch = devign_functions(SHARED / "devign" / "test.jsonl.xz", args.n)
    load_before = os.getloadavg()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name in args.models:
            tokenizers = SHARED / "compressor-tokenizers"
            if name == "student":
                spec = build_student(root / name, tokenizers / "vulnerability_prediction-BPE_1000.json")
            else:
                spec = build_teacher(
                    root / name, tokenizers / "vulnerability_prediction-BPE_6000.json",
                    TEACHERS[name],
                )  # fmt: skip
            results.append(bench(name, spec, batch, args.repeat))
            print(json.dumps(results[-1]), flush=True)
    report = {
        "compiler_processes_cpu_s_total": round(children_cpu(), 2),
        "command": " ".join(["python", "benchmarks/inference/bench_compile.py", *sys.argv[1:]]),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, torch {torch.__version__}, "
        "1 thread",
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "results": results,
    }
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    started = time.time()
    main()
    print(f"done in {time.time() - started:.0f} s", file=sys.stderr)
