"""Peak memory of an ALERT attack run against the number of examples, with a 125 M teacher.

Does a `metacompress attack` run over the Devign test split (2,732 functions) stay within a
bound? The same command runs on growing seeded stratified slices of the split (`--sizes`),
each in a fresh process whose peak resident memory is read from the kernel (`os.wait4`:
ru_maxrss of the process and of any child it waited for), with its CPU and wall time and the
size of what it wrote. If nothing grows with the examples, the peak is flat; what does grow
(the examples and the results themselves) shows as the slope, which bounds the whole split.

The victim has CodeBERT's shape (RoBERTa, 12 layers, hidden 768, 12 heads, intermediate 3,072,
vocabulary 50,265: 125 M parameters, 499 MB of float32 weights), random weights (memory does
not depend on their values), built here (no hub), with the Compressor study's BPE_6000
vulnerability tokenizer and a `--max-length` window, format `transformers`. ALERT's masked
LM is a small random RoBERTa (2 layers, hidden 128, same tokenizer) with `--top-k` (default 6)
candidates per occurrence scored in a 8-token context window, and the budget is tiny
(`--budget`, default 2: the original input and one candidate), so that the run measures the
memory of the machinery, not hours of search: a larger masked LM runs in a child process
(`metacompress.attacks.substitutes`) and a larger budget adds queries, not memory.

    python benchmarks/attacks/bench_devign_memory.py --sizes 100 300 1000 --out RESULTS.json

`--victim small` (2 layers, hidden 128) runs the same with a victim whose own memory is small.
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
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_attacks import SHARED, _tokenizer  # noqa: E402

#: Victims: CodeBERT's sizes (RoBERTa-base), and a 2-layer one that shows what is not the model.
VICTIMS = {
    "125m": {"layers": 12, "hidden": 768, "heads": 12, "intermediate": 3072, "vocab": 50265},
    "small": {"layers": 2, "hidden": 128, "heads": 2, "intermediate": 512, "vocab": None},
}
MLM = {"layers": 2, "hidden": 128, "heads": 2, "intermediate": 512}


def build(folder: Path, max_length: int, masked: bool, victim: str = "125m") -> Path:
    """The victim (a sequence classifier of size `victim`) or the small masked LM, built
    once."""
    import torch
    from transformers import RobertaConfig, RobertaForMaskedLM, RobertaForSequenceClassification

    if (folder / "config.json").is_file():
        return folder
    tokenizer = _tokenizer(max_length)
    sizes = MLM if masked else VICTIMS[victim]
    config = RobertaConfig(
        vocab_size=(None if masked else VICTIMS[victim]["vocab"]) or len(tokenizer),
        hidden_size=sizes["hidden"],
        num_hidden_layers=sizes["layers"],
        num_attention_heads=sizes["heads"],
        intermediate_size=sizes["intermediate"],
        max_position_embeddings=max_length + 2,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        num_labels=2,
        initializer_range=0.1,
    )
    torch.manual_seed(0)
    model = (RobertaForMaskedLM if masked else RobertaForSequenceClassification)(config)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    if not masked:
        (folder / "metacompress-model.yaml").write_text(
            f"format: transformers\npath: .\ntask: vulnerability\nmax_length: {max_length}\n"
        )
    return folder


def measure(command: list[str], out: Path) -> dict[str, Any]:
    """Run `command`; its peak resident memory (MB), CPU and wall seconds, bytes written."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    errors = process.stderr.read().decode("utf-8", errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{errors[-3000:]}")
    return {
        "peak_rss_mb": usage.ru_maxrss // 1024,
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "wall_seconds": round(time.perf_counter() - started, 1),
        "written_bytes": sum(f.stat().st_size for f in out.rglob("*") if f.is_file()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--budget", type=int, default=2)
    parser.add_argument("--top-k", type=int, default=6, help="ALERT's masked-LM candidates")
    parser.add_argument("--victim", default="125m", choices=sorted(VICTIMS))
    parser.add_argument("--work", default="/tmp/metacompress-bench-devign-memory")
    parser.add_argument("--out", help="write the results as JSON here")
    args = parser.parse_args()

    work = Path(args.work)
    teacher = build(
        work / f"teacher-{args.victim}-T{args.max_length}", args.max_length, False, args.victim
    )
    mlm = build(work / f"mlm-small-T{args.max_length}", args.max_length, masked=True)
    data = SHARED / "devign" / "test.jsonl.xz"
    report: dict[str, Any] = {
        "command": " ".join(["python", "benchmarks/attacks/bench_devign_memory.py", *sys.argv[1:]]),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, torch threads 1",
        "load_average_before": os.getloadavg(),
        "runs": [],
    }
    for size in args.sizes:
        out = work / f"run-{args.victim}-{size}"
        command = [
            sys.executable, "-m", "metacompress", "attack", "--model", str(teacher),
            "--data", str(data), "--task", "vulnerability", "--method", "alert",
            "--mlm", str(mlm), "--budget", str(args.budget), "--limit", str(size),
            "--param", f"top_k={args.top_k}", "--param", "context_window=8", "--out", str(out),
        ]  # fmt: skip
        row = {"examples": size, **measure(command, out)}
        summary = json.loads((out / "summary.json").read_text())
        row["attacked"] = summary.get("summary", summary).get("attacked")
        report["runs"].append(row)
        report["load_average_after"] = os.getloadavg()
        print(json.dumps(row), flush=True)
        if args.out:
            Path(args.out).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
