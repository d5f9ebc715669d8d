"""Attack engine benchmark: the published code's way of querying, one example at a time
without a cache, and the pooled, memoised engine; time and peak memory.

Same victim, examples, budgets and seeds for the three modes:
  (p) published: `metacompress.attacks.baseline` - one example at a time, no memo, every call
      padded to the window and fed through a fresh DataLoader (0 workers, batches of 64), torch's
      own kernels: how the published ALERT/MHM code queries its victim;
  (a) sequential: `max_active=1, memo=False` with the model layer (dynamic padding);
  (b) engine: the defaults (`max_active=256, memo=True`: the requests of all active searches
      pooled into full batches, every unique input scored once per run).
Each run is a fresh process (so its peak resident memory is its own, model loading and, for
ALERT, the substitute generation included); the modes run `--repeat` times, interleaved, and
the fastest wall and CPU times of the attack itself are kept (the machine is shared, so wall
time is noisy; CPU time of the process is steadier), with the largest peak memory. Budgets
count unique queries per example in every mode, so a search makes the same decisions in all;
success rates differ only where batched inference changes a probability in the last bits.

The victim is a small real transformer: a RoBERTa sequence classifier (`--layers`, `--hidden`,
`--max-length` tokens) with the Compressor study's byte-level BPE tokenizer for vulnerability
prediction, randomly initialised with a fixed seed (std `--init-range` = 0.1, so that its
predictions vary across inputs; the default 0.02 gives nearly constant outputs) or, with
`--train-steps` > 0, trained that many steps on Devign training functions; it is saved as a
Hugging Face folder with a metacompress-model.yaml and loaded through the model layer. ALERT's
masked LM is a randomly initialised RoBERTa MLM with the same tokenizer; its substitutes are
computed in each process before the timed attack (top_k 20 and a 16-token context window by
default, `--alert-substitutes published` for ALERT's top_k 60 over the whole window), and
their time is reported separately.

    python benchmarks/attacks/bench_attacks.py --examples 40 --budget 2000 --out results.json
"""

from __future__ import annotations

import argparse
import inspect
import json
import lzma
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from process_memory import reset_peak, status_mb  # noqa: E402

SHARED = Path(
    os.environ.get(
        "METACOMPRESS_SHARED_DATA", Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
    )
).resolve()
TOKENIZER = SHARED / "compressor-tokenizers" / "vulnerability_prediction-BPE_6000.json"
BUDGETS = {"mhm": 200, "wir-random": 200, "alert": 200, "structural": 100}
#: Substitute generation: a cheaper one than ALERT's (computed before the timed attack, so it
#: only shortens the benchmark), and ALERT's own (top-60 over the whole window).
ALERT_MLM = {"cheap": {"top_k": 20, "context_window": 16}, "published": {}}
MODES = ("published", "sequential", "engine")


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


def memory_mb() -> tuple[int, int]:
    """(resident, peak resident) memory of this process in MB."""
    found = status_mb("VmRSS", "VmHWM")
    return found["VmRSS"], found["VmHWM"]


def children_peak_mb() -> int:
    """Peak resident memory of the largest child process this process has waited for (ALERT's
    masked LM runs in one when it is large), in MB."""
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024


def child(job: dict[str, Any]) -> dict[str, Any]:
    """One attack run in this (fresh) process: time, peak memory by stage, outcome.

    Memory by stage: the peak resident memory within each stage (VmHWM, reset when a stage
    starts), so the largest of them is the process's peak; and the peak of a child process
    that generated ALERT's substitutes, if one did.
    """
    import torch

    from metacompress.attacks import ATTACKS, summarize
    from metacompress.attacks.baseline import PublishedStyleVictim, published_style
    from metacompress.data.loaders import load_examples
    from metacompress.models import load_model

    torch.set_num_threads(job["threads"])
    stages = {"imports": memory_mb()[1]}
    reset_peak()
    published = job["mode"] == "published"
    load_options = {"kernels": "eager", "modelling": "transformers"} if published else {}
    known = inspect.signature(load_model).parameters  # the code before a change may not
    load_options = {k: v for k, v in load_options.items() if k in known}  # know every option
    victim: Any = load_model(job["victim"], device=job["device"], **load_options)
    kernels = victim.backend_info()["kernels"]
    modelling = victim.backend_info().get("modelling", "transformers")
    stages["load_check_child_peak"] = children_peak_mb()
    if published:
        victim = PublishedStyleVictim(victim)
    examples = load_examples(
        SHARED / "devign" / "test.jsonl.xz", "vulnerability", limit=job["examples"],
        seed=job["seed"],
    ).examples  # fmt: skip
    stages["victim_and_data_peak"] = memory_mb()[1]
    attack = ATTACKS.create(job["method"], **job["params"])
    if job["mode"] == "published":
        attack = published_style(attack)
    elif job["mode"] == "sequential":
        attack = ATTACKS.create(job["method"], **job["params"], max_active=1, memo=False)
    substitute_seconds = None
    if job["method"] == "alert":
        reset_peak()
        started = time.perf_counter()
        attack.prepare(examples, "c", job["seed"], examples)
        substitute_seconds = round(time.perf_counter() - started, 2)
        stages["substitutes_peak"] = memory_mb()[1]
        stages["substitutes_child_peak"] = children_peak_mb()
        stages["after_substitutes"] = memory_mb()[0]
    engine = attack.engine(victim)
    reset_peak()
    wall, cpu = time.perf_counter(), time.process_time()
    results = attack.run(examples, victim, "c", job["seed"], engine=engine)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    stages["attack_peak"] = memory_mb()[1]
    summary = summarize(results, "vulnerability")
    with open("/proc/self/status", encoding="ascii") as handle:
        peak = dict(line.split(":", 1) for line in handle)["VmPeak"]
    return {
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mb": max(v for k, v in stages.items() if k.endswith("peak") and "child" not in k),
        "substitutes_child_peak_mb": stages.get("substitutes_child_peak", 0),
        "memory_mb": stages,
        "virtual_peak": peak.strip(),
        "kernels": kernels,
        "modelling": modelling,
        "substitute_seconds": substitute_seconds,
        "attacked": summary.attacked,
        "succeeded": summary.succeeded,
        "success_rate": summary.attack_success_rate,
        "mean_queries": summary.mean_queries,
        **engine.stats.to_dict(),
        "statuses": [r.status for r in results],
    }


def run_child(job: dict[str, Any]) -> dict[str, Any]:
    """`child(job)` in a fresh Python process (importing the package from `job["src"]` when
    given: the code before a change, measured in the same run)."""
    env = dict(os.environ)
    if job.get("src"):
        env["PYTHONPATH"] = job["src"]
    done = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(job)],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def best_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The first run's outcome with the fastest wall and CPU times of all runs and the largest
    peak memory."""
    best = dict(runs[0])
    best["wall_seconds"] = min(r["wall_seconds"] for r in runs)
    best["cpu_seconds"] = min(r["cpu_seconds"] for r in runs)
    best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
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
    parser.add_argument("--alert-substitutes", default="cheap", choices=sorted(ALERT_MLM))
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument(
        "--before-src",
        help="also run every mode with the package imported from this src folder (e.g. "
        "`git archive COMMIT src | tar -x -C DIR`, then DIR/src): rows MODE@before",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child))), flush=True)
        return

    work = Path(args.work)
    tag = (
        f"L{args.layers}-H{args.hidden}-T{args.max_length}-S{args.train_steps}"
        f"-I{args.init_range}-seed{args.seed}"
    )
    victim_dir = build_victim(work / f"victim-{tag}", args)
    mlm_dir = build_mlm(work / f"mlm-{tag}", args)
    modes = args.modes.split(",")
    variants = {mode: None for mode in modes}
    if args.before_src:
        variants.update({f"{mode}@before": str(Path(args.before_src).resolve()) for mode in modes})
    report: dict[str, Any] = {
        "command": " ".join(["python", "benchmarks/attacks/bench_attacks.py", *sys.argv[1:]]),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, torch threads {args.threads}",
        "load_average_before": os.getloadavg(),
        "device": args.device,
        "victim": tag,
        "examples": args.examples,
        "seed": args.seed,
        "methods": {},
    }
    for method in args.methods.split(","):
        budget = args.budget or BUDGETS[method]
        params: dict[str, Any] = {"budget": budget}
        if method == "alert":
            params.update(mlm=str(mlm_dir), **ALERT_MLM[args.alert_substitutes])
            if args.device != "cpu":
                params["device"] = args.device  # the masked LM runs where the victim runs
        job = {
            "method": method, "params": params, "victim": str(victim_dir),
            "device": args.device, "threads": args.threads, "examples": args.examples,
            "seed": args.seed,
        }  # fmt: skip
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in variants}
        for _ in range(args.repeat):
            for name, src in variants.items():
                mode = name.split("@")[0]
                runs[name].append(run_child({**job, "mode": mode, "src": src}))
        entry: dict[str, Any] = {"budget": budget}
        for name in variants:
            entry[name] = best_of(runs[name])
        reference = entry["engine"] if "engine" in entry else entry[modes[-1]]
        for mode in variants:
            if entry[mode] is reference:
                continue
            for clock in ("wall", "cpu"):
                ratio = entry[mode][f"{clock}_seconds"] / reference[f"{clock}_seconds"]
                entry[f"{clock}_ratio_{mode}_to_engine"] = round(ratio, 2)
        statuses = [entry[name].pop("statuses") for name in variants]
        same = [len(set(row)) == 1 for row in zip(*statuses, strict=True)]
        entry["same_status"] = f"{sum(same)}/{len(same)}"
        report["methods"][method] = entry
        report["load_average_after"] = os.getloadavg()
        print(json.dumps({method: entry}), flush=True)
        if args.out:  # after every method, so a run cut short keeps what it measured
            Path(args.out).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
