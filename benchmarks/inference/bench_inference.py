"""Inference per input: fixed padding, the engine with torch's kernels, the engine with the
kernels chosen at load, ONNX Runtime, and the engine behind a warm cache.

    python benchmarks/inference/bench_inference.py --models teacher-125m --n 48 --out r.json
    python benchmarks/inference/bench_inference.py --models teacher-4l student --n 256

Models, built with random weights (speed does not depend on their values):
- teacher-125m: RoBERTa, 12 layers, hidden 768, 12 heads, intermediate 3,072, vocabulary
  50,265 (CodeBERT's sizes, 125 M parameters) with the Compressor BPE_6000 vulnerability
  tokenizer wrapped as a Hugging Face tokenizer, format `transformers`, max_length 512;
- teacher-4l: the same with 4 layers, hidden 256, 4 heads, intermediate 1,024, vocabulary 6,000;
- student: Compressor-sized RoBERTa (3 MB), 12 layers, hidden 96, 8 heads, intermediate 64,
  vocabulary 1,000 (the bare BPE_1000 JSON tokenizer), format `compressor`, block 400.

For each model, on the first N Devign test functions, seconds per input (wall and CPU time of
this process) of:
(a) fixed padding: the model's encoder, batches of 32 in input order, each padded to max_length,
    torch's kernels (what a naive runner does);
(b) engine, eager: `predict_proba` (length-sorted batches, dynamic padding, batch size auto)
    with transformers' modelling code and torch's own kernels (`kernels="eager",
    modelling="transformers"`, what the model layer did before oneDNN and the lean RoBERTa);
(c) engine, auto: the same with the modelling and kernels chosen at load (`backend_info()` says
    which);
(d) ONNX Runtime: the model exported with `export_onnx` (TorchScript exporter) and loaded as
    format `onnx` (graph optimisation level all, one intra-op thread per torch thread); the
    export's own time is reported beside it;
(e) warm cache: (c) behind `CachedClassifier` with an SQLite file, second pass.
(b), (c) and (d) run `--repeat` times, interleaved, and the fastest CPU time of each is kept.
Every number includes tokenization. The report gives the largest |P - P(b)| of (a), (c) and (d):
probabilities must equal torch eager's within 1e-5.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("METACOMPRESS_SHARED_DATA", ROOT.parent / "shared" / "data"))
FIXED_BATCH = 32
TEACHERS = {
    "teacher-125m": {"vocab": 50265, "hidden": 768, "layers": 12, "heads": 12, "inter": 3072},
    "teacher-4l": {"vocab": None, "hidden": 256, "layers": 4, "heads": 4, "inter": 1024},
}


def devign_functions(path: Path, n: int) -> list[tuple[str, ...]]:
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for _, line in zip(range(n), handle, strict=False)]
    return [(row["func"],) for row in rows]


def build_teacher(folder: Path, tokenizer_json: Path, sizes: dict) -> Path:
    from tokenizers import Tokenizer, processors
    from transformers import (
        PreTrainedTokenizerFast,
        RobertaConfig,
        RobertaForSequenceClassification,
    )

    backend = Tokenizer.from_file(str(tokenizer_json))
    backend.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0))
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token="<s>",
        eos_token="</s>",
        cls_token="<s>",
        sep_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
        mask_token="<unk>",
    )
    config = RobertaConfig(
        vocab_size=sizes["vocab"] or backend.get_vocab_size(),
        hidden_size=sizes["hidden"],
        num_hidden_layers=sizes["layers"],
        num_attention_heads=sizes["heads"],
        intermediate_size=sizes["inter"],
        max_position_embeddings=514,
        num_labels=2,
    )
    torch.manual_seed(0)
    RobertaForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    (folder / "metacompress-model.yaml").write_text(
        "format: transformers\ntask: vulnerability\nmax_length: 512\n", encoding="utf-8"
    )
    return folder


def build_student(folder: Path, tokenizer_json: Path) -> Path:
    from torch import nn
    from transformers import RobertaConfig, RobertaForSequenceClassification

    config = RobertaConfig(
        vocab_size=1000,
        hidden_size=96,
        num_hidden_layers=12,
        num_attention_heads=8,
        intermediate_size=64,
        max_position_embeddings=514,
        num_labels=2,
    )
    torch.manual_seed(1)
    wrapper = nn.Module()
    wrapper.encoder = RobertaForSequenceClassification(config)
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(wrapper.state_dict(), folder / "model.bin")
    config.to_json_file(folder / "config.json")
    (folder / "metacompress-model.yaml").write_text(
        "format: compressor\ntask: vulnerability\npath: model.bin\nconfig: config.json\n"
        f"tokenizer: {tokenizer_json}\nmax_length: 400\n",
        encoding="utf-8",
    )
    return folder


def fixed_padding(model, batch: list[tuple[str, ...]]) -> np.ndarray:
    """Baseline (a): input order, batches of 32, every batch padded to max_length."""
    out = []
    pad_id = model.encoder.pad_id
    width = model.max_length
    for start in range(0, len(batch), FIXED_BATCH):
        items = model.encoder.encode_batch(batch[start : start + FIXED_BATCH])
        ids = np.full((len(items), width), pad_id, dtype=np.int64)
        mask = np.zeros((len(items), width), dtype=np.int64)
        for k, item in enumerate(items):
            row = item.rows[0]
            ids[k, : len(row)] = row
            mask[k, : len(row)] = 1
        probs, _ = model.backend.run({"input_ids": ids, "attention_mask": mask})
        out.append(probs)
    return np.concatenate(out).astype(np.float64)


def timed(fn, *args) -> tuple[float, float, object]:
    """(wall s, CPU s of this process, result)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def bench(name: str, spec: Path, batch: list[tuple[str, ...]], work: Path, repeat: int) -> dict:
    from metacompress.models import CachedClassifier, load_model
    from metacompress.models.onnx_export import export_onnx

    n = len(batch)
    eager = load_model(spec, kernels="eager", modelling="transformers")
    auto = load_model(spec)
    started = time.perf_counter()
    export_onnx(eager, work / f"{name}.onnx", exporter="torchscript")
    export_seconds = time.perf_counter() - started
    onnx = load_model(work / f"{name}.onnx")
    modes = {"engine_eager": eager, "engine_auto": auto, "onnxruntime": onnx}
    for model in modes.values():
        model.predict_proba(batch[:4])  # warm-up: first-call allocations
    runs: dict[str, list[tuple[float, float]]] = {mode: [] for mode in modes}
    probs: dict[str, np.ndarray] = {}
    for _ in range(repeat):
        for mode, model in modes.items():
            wall, cpu, probs[mode] = timed(model.predict_proba, batch)
            runs[mode].append((wall, cpu))
    wall, cpu, probs["fixed_padding"] = timed(fixed_padding, eager, batch)
    runs["fixed_padding"] = [(wall, cpu)]
    cached = CachedClassifier(auto, work / f"{name}.sqlite")
    cached.predict_proba(batch)
    wall, cpu, warm = timed(cached.predict_proba, batch)
    runs["warm_cache"] = [(wall, cpu)]
    items = eager.encoder.encode_batch(batch)
    reference = probs["engine_eager"]
    result = {
        "model": name,
        "inputs": n,
        "truncated": int(sum(item.truncated for item in items)),
        "mean_tokens": float(np.mean([item.length for item in items])),
        "max_length": eager.max_length,
        "kernels_auto": auto.backend_info(),
        "onnx_export_seconds": round(export_seconds, 1),
        "warm_equals_computed": bool(np.array_equal(warm, cached.predict_proba(batch))),
        "modes": {},
    }
    for mode, timings in runs.items():
        best_wall = min(w for w, _ in timings)
        best_cpu = min(c for _, c in timings)
        entry = {
            "wall_ms_per_input": round(1000 * best_wall / n, 3),
            "cpu_ms_per_input": round(1000 * best_cpu / n, 3),
        }
        if mode in probs:
            entry["max_abs_diff_vs_eager"] = float(np.max(np.abs(probs[mode] - reference)))
        result["modes"][mode] = entry
    base = result["modes"]["engine_eager"]["cpu_ms_per_input"]
    for entry in result["modes"].values():
        entry["cpu_speedup_vs_engine_eager"] = round(base / entry["cpu_ms_per_input"], 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["teacher-125m", "student"])
    parser.add_argument("--n", type=int, default=64, help="number of Devign test functions")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--repeat", type=int, default=2, help="interleaved runs of (b)-(d)")
    parser.add_argument("--data", type=Path, default=SHARED / "devign" / "test.jsonl.xz")
    parser.add_argument("--tokenizers", type=Path, default=SHARED / "compressor-tokenizers")
    parser.add_argument("--out", type=Path, help="write the JSON report here too")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    from transformers.utils import logging

    logging.disable_progress_bar()
    batch = devign_functions(args.data, args.n)
    load_before = os.getloadavg()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name in args.models:
            if name == "student":
                spec = build_student(
                    root / name, args.tokenizers / "vulnerability_prediction-BPE_1000.json"
                )
            else:
                spec = build_teacher(
                    root / name,
                    args.tokenizers / "vulnerability_prediction-BPE_6000.json",
                    TEACHERS[name],
                )
            results.append(bench(name, spec, batch, root, args.repeat))
            print(json.dumps(results[-1]), flush=True)
    report = {
        "command": "python benchmarks/inference/bench_inference.py "
        f"--models {' '.join(args.models)} --n {args.n} --threads {args.threads} "
        f"--repeat {args.repeat}",
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, torch {torch.__version__}, "
        f"{args.threads} thread(s)",
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "results": results,
    }
    text = json.dumps(report, indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
