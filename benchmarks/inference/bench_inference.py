"""Inference throughput: fixed max-length padding vs the engine vs the engine with a warm cache.

    python benchmarks/inference/bench_inference.py --n 256 --threads 1

Two models, built with random weights (throughput does not depend on the values):
- teacher: RoBERTa, 4 layers, hidden 256, 4 heads, vocabulary 6,000 (the Compressor BPE_6000
  tokenizer of the vulnerability task wrapped as a Hugging Face tokenizer), format
  `transformers`, max_length 512;
- student: Compressor-sized RoBERTa, 12 layers, hidden 96, 8 heads, intermediate 64,
  vocabulary 1,000 (the bare BPE_1000 JSON tokenizer), format `compressor`, block 400.

For each model, on the first N Devign test functions, inputs per second of
(a) fixed padding: the same encoder, batches of 32 in input order, each padded to max_length;
(b) the engine: `predict_proba` (length-sorted batches, dynamic padding, batch size auto);
(c) the engine behind a warm SQLite prediction cache (a first pass fills it, the second is timed).
Each number includes tokenization. The script checks that (a) and (b) give the same
probabilities and prints a JSON report (also written with --out).
"""

from __future__ import annotations

import argparse
import json
import lzma
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
FIXED_BATCH = 32


def devign_functions(path: Path, n: int) -> list[tuple[str, ...]]:
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for _, line in zip(range(n), handle, strict=False)]
    return [(row["func"],) for row in rows]


def build_teacher(folder: Path, tokenizer_json: Path) -> Path:
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
        vocab_size=backend.get_vocab_size(),
        hidden_size=256,
        num_hidden_layers=4,
        num_attention_heads=4,
        intermediate_size=1024,
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


def timed(fn, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def bench(name: str, spec: Path, batch: list[tuple[str, ...]], cache_dir: Path) -> dict:
    from metacompress.models import CachedClassifier, load_model

    model = load_model(spec)
    model.predict_proba(batch[:4])  # warm-up: first-call allocations
    t_fixed, fixed = timed(fixed_padding, model, batch)
    t_engine, engine = timed(model.predict_proba, batch)
    cached = CachedClassifier(model, cache_dir / f"{name}.sqlite")
    cached.predict_proba(batch)
    t_cache, warm = timed(cached.predict_proba, batch)
    n = len(batch)
    items = model.encoder.encode_batch(batch)
    return {
        "model": name,
        "inputs": n,
        "truncated": int(sum(item.truncated for item in items)),
        "mean_tokens": float(np.mean([item.length for item in items])),
        "max_length": model.max_length,
        "fixed_padding_inputs_per_s": n / t_fixed,
        "engine_inputs_per_s": n / t_engine,
        "warm_cache_inputs_per_s": n / t_cache,
        "engine_speedup": t_fixed / t_engine,
        "warm_cache_speedup": t_fixed / t_cache,
        "max_abs_diff_engine_vs_fixed": float(np.max(np.abs(engine - fixed))),
        "cache_hits": cached.hits,
        "warm_equals_engine": bool(np.array_equal(warm, cached.predict_proba(batch))),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=256, help="number of Devign test functions")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--data", type=Path, default=SHARED / "devign" / "test.jsonl.xz")
    parser.add_argument("--tokenizers", type=Path, default=SHARED / "compressor-tokenizers")
    parser.add_argument("--out", type=Path, help="write the JSON report here too")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    from transformers.utils import logging

    logging.disable_progress_bar()
    batch = devign_functions(args.data, args.n)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        teacher = build_teacher(
            root / "teacher", args.tokenizers / "vulnerability_prediction-BPE_6000.json"
        )
        student = build_student(
            root / "student", args.tokenizers / "vulnerability_prediction-BPE_1000.json"
        )
        results = [bench("teacher", teacher, batch, root), bench("student", student, batch, root)]
    report = {
        "command": f"python benchmarks/inference/bench_inference.py --n {args.n} --threads {args.threads}",
        "machine": f"{platform.processor() or platform.machine()}, torch {torch.__version__}, "
        f"{args.threads} thread(s)",
        "results": results,
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
