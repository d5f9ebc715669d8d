"""`metacompress demo`: the demo budget of `reproduce` on the built-in synthetic benchmark.

One task (vulnerability: synthetic C functions with and without a known vulnerability
pattern), one teacher (the CodeBERT-like RoBERTa, pre-trained as a masked LM, then fine-tuned)
and its three students (Compressor, AVATAR, MORPH), one study run with every transformation,
2-step combinations and the four attacks against every model, then the paper's tables and a
summary of the accuracy and behaviour gaps (`workflows.reproduce`, budget `demo`). Resumable
like every reproduce: run it again to continue an interrupted demo.

The demo runs torch on one thread (`threads`; the caller's setting is restored afterwards): its
models are so small that a second thread buys little (on 2 idle cores, torch's default of two
threads used 865 CPU s in 467 s of wall time for work that takes about 490 CPU s on one), and
the thread count changes floating-point sums, so the students' accuracy gaps would move by a
point or two with the machine's core count (benchmarks/paper/README.md). The second core
distils a second student at the same time (`jobs`=2: the three students in two processes),
which changes no result.
"""

from __future__ import annotations

from pathlib import Path

from metacompress.workflows.reproduce import ReproduceResult, run_reproduce

TASK, TEACHERS = "vulnerability", ("roberta",)


def run_demo(
    out_dir: str | Path = "demo-run",
    seed: int = 0,
    quiet: bool = False,
    threads: int = 1,
    jobs: int = 2,
) -> ReproduceResult:
    """Run (or continue) the demo into `out_dir` with torch on `threads` threads, `jobs`
    students at a time (see the module docstring)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        return run_reproduce(out_dir, task=TASK, budget="demo", teachers=TEACHERS, seed=seed,
                             quiet=quiet, jobs=jobs)  # fmt: skip
    finally:
        torch.set_num_threads(before)
