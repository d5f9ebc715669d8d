"""Attack engine benchmark: one example at a time without a cache vs the pooled, memoised engine.

Same victim, examples, budgets and seeds for both modes:
  (a) sequential: `max_active=1, memo=False` (each search's requests go to the victim as they
      come, a repeated input is scored again);
  (b) engine: the defaults (`max_active=256, memo=True`: the requests of all active searches
      pooled into full batches, every unique input scored once per run).
Each mode runs `--repeat` times, interleaved, and the fastest wall and CPU times are kept (the
machine is shared, so wall time is noisy; CPU time of this process is steadier). Both modes
count budgets the same way (unique queries per example), so a search makes the same
decisions in both; success rates differ only where batched inference changes a probability in
the last bits.

The victim is a small real transformer: a RoBERTa sequence classifier (`--layers`, `--hidden`,
`--max-length` tokens) with the Compressor study's byte-level BPE tokenizer for vulnerability
prediction, randomly initialised with a fixed seed (std `--init-range` = 0.1, so that its
predictions vary across inputs; the default 0.02 gives nearly constant outputs) or, with
`--train-steps` > 0, trained that many steps on Devign training functions; it is saved as a
Hugging Face folder with a metacompress-model.yaml and loaded through the model layer. ALERT's masked LM is a randomly
initialised RoBERTa MLM with the same tokenizer (any MLM serves; its substitutes are computed
once, before either timed run, with top_k 20 and a 16-token context window to keep that step
short on a CPU, and its time is reported separately).

    python benchmarks/attacks/bench_attacks.py --examples 40 --out benchmarks/attacks/results.json
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import platform
import random
import time
from pathlib import Path
from typing import Any

SHARED = Path(
    os.environ.get(
        "METACOMPRESS_SHARED_DATA", Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
    )
).resolve()
TOKENIZER = SHARED / "compressor-tokenizers" / "vulnerability_prediction-BPE_6000.json"
BUDGETS = {"mhm": 200, "wir-random": 200, "alert": 200, "structural": 100}
#: A cheaper substitute generation than ALERT's default (top-60, whole window): the substitutes
#: are computed once before both timed runs, so this only shortens the benchmark.
ALERT_MLM = {"top_k": 20, "context_window": 16}


def _tokenizer(max_length: int) -> Any:
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(
        tokenizer_file=str(TOKENIZER),
        bos_token="<s>",
        eos_token="</s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token="<mask>",
        cls_token="<s>",
        sep_token="</s>",
        model_max_length=max_length,
    )


def _config(tokenizer: Any, args: argparse.Namespace) -> Any:
    from transformers import RobertaConfig

    return RobertaConfig(
        vocab_size=len(tokenizer),
        hidden_size=args.hidden,
        num_hidden_layers=args.layers,
        num_attention_heads=max(1, args.hidden // 64),
        intermediate_size=args.hidden * 4,
        max_position_embeddings=args.max_length + 2,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        num_labels=2,
        initializer_range=args.init_range,
    )


def _rows(name: str, limit: int | None = None) -> list[dict[str, Any]]:
    rows = []
    with lzma.open(SHARED / "devign" / name, "rt", encoding="utf-8") as handle:
        for line in handle:
            rows.append(json.loads(line))
            if limit is not None and len(rows) >= limit:
                break
    return rows


def build_victim(folder: Path, args: argparse.Namespace) -> Path:
    """Train the victim briefly (once; reused when the folder exists)."""
    import torch
    from transformers import RobertaForSequenceClassification

    if (folder / "metacompress-model.yaml").is_file():
        return folder
    torch.manual_seed(args.seed)
    tokenizer = _tokenizer(args.max_length)
    model = RobertaForSequenceClassification(_config(tokenizer, args))
    rows = _rows("train.jsonl.xz", limit=args.train_steps * args.train_batch)
    random.Random(args.seed).shuffle(rows)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate)
    model.train()
    for step in range(args.train_steps):
        batch = rows[step * args.train_batch : (step + 1) * args.train_batch]
        if not batch:
            break
        encoded = tokenizer(
            [r["func"] for r in batch],
            truncation=True,
            max_length=args.max_length,
            padding=True,
            return_tensors="pt",
        )
        labels = torch.tensor([int(r["target"]) for r in batch])
        loss = model(**encoded, labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if step % 50 == 0:
            print(f"train step {step}: loss {loss.item():.3f}", flush=True)
    model.eval()
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    (folder / "metacompress-model.yaml").write_text(
        f"format: transformers\npath: .\ntask: vulnerability\nmax_length: {args.max_length}\n"
    )
    return folder


def build_mlm(folder: Path, args: argparse.Namespace) -> Path:
    import torch
    from transformers import RobertaForMaskedLM

    if (folder / "config.json").is_file():
        return folder
    torch.manual_seed(args.seed)
    tokenizer = _tokenizer(args.max_length)
    RobertaForMaskedLM(_config(tokenizer, args)).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def run_mode(attack: Any, examples: list, victim: Any, seed: int) -> dict[str, Any]:
    from metacompress.attacks import summarize

    engine = attack.engine(victim)
    wall, cpu = time.perf_counter(), time.process_time()
    results = attack.run(examples, victim, "c", seed, engine=engine)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    summary = summarize(results, "vulnerability")
    return {
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "attacked": summary.attacked,
        "succeeded": summary.succeeded,
        "success_rate": summary.attack_success_rate,
        "mean_queries": summary.mean_queries,
        **engine.stats.to_dict(),
        "statuses": [r.status for r in results],
    }


def best_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The first run's outcome with the fastest wall and CPU times of all runs."""
    best = dict(runs[0])
    best["wall_seconds"] = min(r["wall_seconds"] for r in runs)
    best["cpu_seconds"] = min(r["cpu_seconds"] for r in runs)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=40)
    parser.add_argument("--methods", default="mhm,wir-random,alert,structural")
    parser.add_argument("--budget", type=int, help="one budget for every method")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--train-steps", type=int, default=0, help="0: random init victim")
    parser.add_argument("--init-range", type=float, default=0.1, help="std of the random init")
    parser.add_argument("--train-batch", type=int, default=16)
    parser.add_argument("--learning-rate", type=float, default=5e-4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu", help="victim device: cpu, cuda, cuda:N")
    parser.add_argument("--repeat", type=int, default=2, help="runs per mode (interleaved)")
    parser.add_argument("--work", default="/tmp/metacompress-bench-attacks")
    parser.add_argument("--out", help="write the results as JSON here")
    args = parser.parse_args()

    import torch

    from metacompress.attacks import ATTACKS
    from metacompress.data.loaders import load_examples
    from metacompress.models import load_model

    torch.set_num_threads(args.threads)
    work = Path(args.work)
    tag = (
        f"L{args.layers}-H{args.hidden}-T{args.max_length}-S{args.train_steps}"
        f"-I{args.init_range}-seed{args.seed}"
    )
    victim_dir = build_victim(work / f"victim-{tag}", args)
    mlm_dir = build_mlm(work / f"mlm-{tag}", args)
    victim = load_model(victim_dir, device=args.device)
    loaded = load_examples(
        SHARED / "devign" / "test.jsonl.xz", "vulnerability", limit=args.examples, seed=args.seed
    )
    examples = loaded.examples
    report: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, torch threads {args.threads}",
        "device": args.device,
        "victim": tag,
        "examples": len(examples),
        "seed": args.seed,
        "methods": {},
    }
    for method in args.methods.split(","):
        budget = args.budget or BUDGETS[method]
        params: dict[str, Any] = {"budget": budget}
        entry: dict[str, Any] = {"budget": budget}
        if method == "alert":
            params.update(mlm=str(mlm_dir), **ALERT_MLM)
            warm = ATTACKS.create(method, **params)
            started = time.perf_counter()
            warm.prepare(examples, "c", args.seed, examples)
            entry["substitute_seconds"] = round(time.perf_counter() - started, 2)
        modes = {
            "sequential": ATTACKS.create(method, **params, max_active=1, memo=False),
            "engine": ATTACKS.create(method, **params),
        }
        runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in modes}
        for _ in range(args.repeat):
            for mode, attack in modes.items():
                runs[mode].append(run_mode(attack, examples, victim, args.seed))
        entry["sequential"] = best_of(runs["sequential"])
        entry["engine"] = best_of(runs["engine"])
        for clock in ("wall", "cpu"):
            ratio = entry["sequential"][f"{clock}_seconds"] / entry["engine"][f"{clock}_seconds"]
            entry[f"{clock}_speedup"] = round(ratio, 2)
        same = [
            a == b
            for a, b in zip(
                entry["sequential"].pop("statuses"), entry["engine"].pop("statuses"), strict=True
            )
        ]
        entry["same_status"] = f"{sum(same)}/{len(same)}"
        report["methods"][method] = entry
        print(json.dumps({method: entry}), flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
