"""`metacompress demo`: the demo budget of `reproduce` on the built-in synthetic benchmark.

One task (vulnerability: synthetic C functions with and without a known vulnerability
pattern), one teacher (the CodeBERT-like RoBERTa, pre-trained as a masked LM, then fine-tuned)
and its three students (Compressor, AVATAR, MORPH), one study run with every transformation,
2-step combinations and the four attacks against every model, then the paper's tables and a
summary of the accuracy and behaviour gaps (`workflows.reproduce`, budget `demo`). Resumable
like every reproduce: run it again to continue an interrupted demo.
"""

from __future__ import annotations

from pathlib import Path

from metacompress.workflows.reproduce import ReproduceResult, run_reproduce

TASK, TEACHERS = "vulnerability", ("roberta",)


def run_demo(
    out_dir: str | Path = "demo-run", seed: int = 0, quiet: bool = False
) -> ReproduceResult:
    """Run (or continue) the demo into `out_dir` (see the module docstring)."""
    return run_reproduce(out_dir, task=TASK, budget="demo", teachers=TEACHERS, seed=seed,
                         quiet=quiet)  # fmt: skip
