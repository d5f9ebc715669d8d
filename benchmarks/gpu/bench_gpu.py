"""The inference engine on a GPU: float32, float16 and bfloat16, and the out-of-memory back-off.

    python benchmarks/gpu/bench_gpu.py --n 512 --out gpu-inference.json

Model: the 125 M-parameter teacher of `benchmarks/inference` (RoBERTa, 12 layers, hidden 768,
vocabulary 50,265, the Compressor BPE_6000 tokenizer, max_length 512), random weights.
Data: the first N Devign test functions.

1. Precision: the engine (`predict_proba`, batch size auto) in float32, float16
   (`load_model(half=True)`) and bfloat16 (the float32 model's module cast to bfloat16: the
   model layer offers float16 only, this measures whether bfloat16 would be worth offering);
   inputs per second after a warm-up, and the largest |P - P(float32)|.
2. Out-of-memory back-off: the float32 model asked for one batch of all `--oom-inputs` inputs
   (the N functions repeated; 16,384 x 512 tokens need about 100 GB for one feed-forward
   activation alone); the engine must halve the batch until it fits, finish, remember the
   smaller size, and give the probabilities of a run with the default (auto) batches.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "inference"))
from bench_inference import SHARED, TEACHERS, build_teacher, devign_functions  # noqa: E402


def throughput(model, batch) -> tuple[float, np.ndarray]:
    model.predict_proba(batch[:16])  # warm-up: kernels, allocator
    torch.cuda.synchronize()
    start = time.perf_counter()
    probs = model.predict_proba(batch)
    torch.cuda.synchronize()
    return len(batch) / (time.perf_counter() - start), probs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=512)
    parser.add_argument("--oom-inputs", type=int, default=16384)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    from metacompress.models import load_model

    if not torch.cuda.is_available():
        raise SystemExit("bench_gpu.py needs a CUDA device")
    batch = devign_functions(SHARED / "devign" / "test.jsonl.xz", args.n)
    report: dict = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__}
    with tempfile.TemporaryDirectory() as tmp:
        spec = build_teacher(
            Path(tmp) / "teacher",
            SHARED / "compressor-tokenizers" / "vulnerability_prediction-BPE_6000.json",
            TEACHERS["teacher-125m"],
        )
        fp32 = load_model(spec, device=args.device)
        rate32, p32 = throughput(fp32, batch)
        fp16 = load_model(spec, device=args.device, half=True)
        rate16, p16 = throughput(fp16, batch)
        del fp16
        bf16 = load_model(spec, device=args.device)
        bf16.backend.module = bf16.backend.module.to(torch.bfloat16)
        rate_bf, pbf = throughput(bf16, batch)
        del bf16
        report["precision"] = {
            "inputs": len(batch),
            "float32_inputs_per_s": round(rate32, 1),
            "float16_inputs_per_s": round(rate16, 1),
            "bfloat16_inputs_per_s": round(rate_bf, 1),
            "float16_max_abs_diff": float(np.max(np.abs(p16 - p32))),
            "bfloat16_max_abs_diff": float(np.max(np.abs(pbf - p32))),
            "auto_token_budget": fp32.token_budget,
        }
        print(json.dumps(report), flush=True)
        many = (batch * (args.oom_inputs // len(batch) + 1))[: args.oom_inputs]
        reference = fp32.predict_proba(many)
        fp32.batch_size = len(many)
        torch.cuda.reset_peak_memory_stats()
        start = time.perf_counter()
        probs = fp32.predict_proba(many)
        report["oom_backoff"] = {
            "inputs": len(many),
            "asked_batch_size": len(many),
            "batch_size_after": fp32.batch_size,
            "seconds": round(time.perf_counter() - start, 2),
            "peak_gpu_memory_gb": round(torch.cuda.max_memory_allocated() / 2**30, 2),
            "max_abs_diff_vs_default_budget": float(np.max(np.abs(probs - reference))),
        }
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
