"""End-to-end `metacompress run` throughput against the pure-inference lower bound.

    python benchmarks/pipeline/bench_run.py --n 60 --runs local:1 ray:1 ray:2 --out results.json

Two real (random-init) RoBERTa classifiers saved as Hugging Face folders with the Compressor
BPE_6000 vulnerability tokenizer (format `transformers`):
- teacher: 4 layers, hidden 256, 4 heads, intermediate 1,024;
- student: 2 layers, hidden 128, 2 heads, intermediate 512;
both with max_length `--max-length` (256 by default).

Data: a seeded stratified sample of `--n` Devign test functions (the config's `limit`, seed 0),
follow-ups rename-locals, rename-parameters, for-to-while, swap-if-else and
insert-unused-variable; every relation; the default 1,000 bootstrap resamples; the default
reports (html, md, json, junit).

For every run configuration BACKEND:WORKERS the script runs the experiment in a fresh run
directory (models loaded from their specs, fresh prediction cache) and takes its wall time,
model loading included. The lower bound is measured in the same process right after each run
(the load of a shared machine drifts): the unique model inputs of the run (every distinct
follow-up and source input), each model called once on all of them (the engine sorts them by
length and pads each batch to its own longest input: ideal batches), after a warm-up call, with
the run's batch size and one torch thread. Ratio = run time / lower bound (target <= 1.3).
Wall time on a machine shared with other jobs drifts with their load, so the script also gives
the CPU time (this process and its finished children; local backend only, Ray workers are other
processes) of the run and of the lower bound, and their ratio. Throughput = follow-ups evaluated (variants with status ok, the source left
out) per second. The per-example tables of every configuration are compared byte for byte.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

from synthetic_run import write_report

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
FOLLOWUPS = [
    "rename-locals",
    "rename-parameters",
    "for-to-while",
    "swap-if-else",
    "insert-unused-variable",
]
ARCHITECTURES = {
    "teacher": {"layers": 4, "hidden": 256, "heads": 4, "intermediate": 1024, "seed": 0},
    "student": {"layers": 2, "hidden": 128, "heads": 2, "intermediate": 512, "seed": 1},
}


def build_model(
    folder: Path, tokenizer_json: Path, max_length: int, arch: dict
) -> tuple[Path, int]:
    """A random-init RobertaForSequenceClassification + tokenizer + metacompress spec; the
    embedding has `arch["vocab"]` rows when given (more rows than the tokenizer's vocabulary
    are never looked up, only stored), else the tokenizer's vocabulary size."""
    import torch
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
        vocab_size=arch.get("vocab", backend.get_vocab_size()),
        hidden_size=arch["hidden"],
        num_hidden_layers=arch["layers"],
        num_attention_heads=arch["heads"],
        intermediate_size=arch["intermediate"],
        max_position_embeddings=max_length + 2,
        num_labels=2,
    )
    torch.manual_seed(arch["seed"])
    model = RobertaForSequenceClassification(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    (folder / "metacompress-model.yaml").write_text(
        f"format: transformers\ntask: vulnerability\nmax_length: {max_length}\n", encoding="utf-8"
    )
    return folder, sum(p.numel() for p in model.parameters())


def write_config(
    path: Path, data: Path, n: int, models: dict[str, Path], out: Path, device: str = "cpu"
) -> Path:
    import yaml

    config = {
        "task": "vulnerability",
        "device": device,
        "seed": 0,
        "data": {"format": "devign", "path": str(data), "limit": n},
        "teacher": str(models["teacher"]),
        "student": str(models["student"]),
        "batch_size": 32,
        "followups": FOLLOWUPS,
        "relations": "all",
        "output": str(out),
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have been waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def run_once(config_path: Path, out: Path, backend: str, workers: int) -> dict:
    from metacompress.pipeline.config import load_config
    from metacompress.pipeline.runner import run_experiment

    config = load_config(config_path, out=out).replace(backend=backend, workers=workers)
    start, cpu = time.perf_counter(), cpu_seconds()
    outcome = run_experiment(config)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    counts = outcome.summary["counts"]
    followups = sum(
        statuses.get("ok", 0) for name, statuses in counts["variants"].items() if name != "source"
    )
    return {
        "backend": backend,
        "workers": workers,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2) if backend == "local" else None,
        "stages": outcome.summary["timings"],
        "followups_evaluated": followups,
        "followups_per_s": round(followups / seconds, 3),
        "unique_inputs": counts["unique_inputs"],
        "cache": outcome.summary["cache"],
        "tables": {p.name: p.read_bytes() for p in sorted((out / "tables").glob("*.csv"))},
    }


def lower_bound(run_dir: Path, models: dict[str, Path], device: str = "cpu") -> dict:
    """Seconds for each model to score the run's unique inputs once, in ideal batches."""
    import sqlite3

    from metacompress.models import load_model

    with sqlite3.connect(run_dir / "run.sqlite") as db:
        rows = db.execute(
            "SELECT input_key, MIN(inputs) FROM variants WHERE status = 'ok' GROUP BY input_key"
        ).fetchall()
    batch = [tuple(json.loads(inputs)) for _, inputs in rows]
    seconds, cpu = {}, {}
    for role, spec in models.items():
        model = load_model(spec, batch_size=32, device=device)
        model.predict_proba(batch[:8])  # warm-up: first-call allocations
        start, cpu_start = time.perf_counter(), time.process_time()
        model.predict_proba(batch)
        seconds[role] = round(time.perf_counter() - start, 2)
        cpu[role] = round(time.process_time() - cpu_start, 2)
    return {
        "inputs": len(batch),
        "seconds": seconds,
        "total": round(sum(seconds.values()), 2),
        "cpu_seconds": cpu,
        "cpu_total": round(sum(cpu.values()), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60, help="Devign test functions (sample)")
    parser.add_argument("--runs", nargs="+", default=["local:1"], help="BACKEND:WORKERS ...")
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (driver)")
    parser.add_argument("--data", type=Path, default=SHARED / "devign" / "test.jsonl.xz")
    parser.add_argument("--tokenizers", type=Path, default=SHARED / "compressor-tokenizers")
    parser.add_argument("--device", default="cpu", help="device of both models (cpu, cuda)")
    parser.add_argument("--out", type=Path, help="write the JSON report here too")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    import torch
    from transformers.utils import logging

    torch.set_num_threads(args.threads)
    logging.disable_progress_bar()
    tokenizer = args.tokenizers / "vulnerability_prediction-BPE_6000.json"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        models, sizes = {}, {}
        for role, arch in ARCHITECTURES.items():
            models[role], sizes[role] = build_model(root / role, tokenizer, args.max_length, arch)
        config = write_config(
            root / "bench.yaml", args.data, args.n, models, root / "unused", args.device
        )
        runs = []
        for index, text in enumerate(args.runs):
            backend, _, workers = text.partition(":")
            out = root / f"run{index}-{backend}-{workers}"
            run = run_once(config, out, backend, int(workers or 1))
            run["lower_bound"] = lower_bound(out, models, args.device)
            run["ratio_to_lower_bound"] = round(run["seconds"] / run["lower_bound"]["total"], 3)
            if run["cpu_seconds"] is not None:
                cpu_bound = run["lower_bound"]["cpu_total"]
                run["cpu_ratio_to_lower_bound"] = round(run["cpu_seconds"] / cpu_bound, 3)
            runs.append(run)
            print(json.dumps({k: v for k, v in run.items() if k != "tables"}), flush=True)
    reference = runs[0]["tables"]
    for run in runs:
        run["tables_identical_to_first"] = run.pop("tables") == reference
    report = {
        "command": "python benchmarks/pipeline/bench_run.py --n {} --runs {} --max-length {} "
        "--threads {}".format(args.n, " ".join(args.runs), args.max_length, args.threads),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
        f"{args.threads} torch thread(s) in the driver, 1 per Ray worker",
        "load_average": os.getloadavg(),
        "models": {
            role: {**ARCHITECTURES[role], "parameters": sizes[role], "max_length": args.max_length}
            for role in ARCHITECTURES
        },
        "data": f"{args.n} Devign test functions (seeded stratified sample, seed 0)",
        "followups": FOLLOWUPS,
        "runs": runs,
    }
    write_report(report, args.out)


if __name__ == "__main__":
    main()
