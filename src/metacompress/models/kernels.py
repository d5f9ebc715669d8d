"""Which kernels run a torch model on this machine, chosen and checked when the model is loaded.

Kernels:
- "eager": torch's own kernels (SDPA attention, torch's BLAS for the linear layers);
- "onednn": the linear layers run by oneDNN (`metacompress.models.onednn`), the rest eager.

Rule for `kernels="auto"` (the default): "onednn" when the model runs on the CPU in float32,
this torch build has oneDNN, the module's largest linear layer holds at least
`MIN_LINEAR_WEIGHTS` = 2^18 weights (a 256 x 1,024 layer, as in a 256-hidden encoder), and on
the probe batch (`PROBE_INPUTS`: two inputs of different lengths, so padding is exercised)
every probability differs from the eager one by at most `TOLERANCE` = 1e-5; "eager" otherwise.
The rule uses no timing, so the choice, and therefore every output, is the same on each load on
one machine. On the benchmark machine oneDNN ran a 12-layer, 768-hidden encoder at 1.5-1.8x
eager speed, 384-hidden at 1.3x, 256-hidden at 1.2x, but 128-hidden and the 3 MB students
(hidden 96) at 1.0-1.04x, while its cache of per-shape kernels held about 100 MB more memory
in an attack run (`benchmarks/inference/README.md`); hence the size threshold.
`kernels="onednn"` insists (ConfigError when not possible or when the probe disagrees);
`kernels="eager"` keeps torch's kernels.

What was chosen and why is recorded (`EngineClassifier.backend_info()`, in a run's
summary.json): kernels, reason, probe inputs, the largest probability difference on the probe,
the tolerance and the attention implementation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from metacompress.errors import ConfigError
from metacompress.registry import check_choice

KERNELS = ("auto", "eager", "onednn")
#: Largest |P(kernel) - P(eager)| accepted on the probe batch.
TOLERANCE = 1e-5
#: Weights of the largest linear layer below which "auto" keeps eager (no measured gain).
MIN_LINEAR_WEIGHTS = 2**18

#: Probe inputs per arity: short real-looking code of different lengths.
PROBE_INPUTS: dict[int, list[tuple[str, ...]]] = {
    1: [
        ("int f(int a, int b) {\n  int s = a;\n  s += b * 2;\n  return s;\n}",),
        ("void g(char *p) { free(p); }",),
    ],
    2: [
        (
            "public int add(int a, int b) { return a + b; }",
            "int sum(int x, int y) {\n  int s = x;\n  s += y;\n  return s;\n}",
        ),
        ("void f() { }", "String name() { return name; }"),
    ],
}


def probabilities(module: Any, arrays: dict[str, np.ndarray], device: str) -> np.ndarray:
    """P (n, 2) of `module` on padded encoder arrays, as float64 on the CPU."""
    import torch

    tensors = {k: torch.from_numpy(v).to(device) for k, v in arrays.items()}
    with torch.inference_mode():
        probs, _ = module(**tensors)
    return probs.double().cpu().numpy()


def attention_of(module: Any) -> str | None:
    """The attention implementation of the first Hugging Face config inside `module`."""
    for sub in module.modules():
        config = getattr(sub, "config", None)
        found = getattr(config, "_attn_implementation", None)
        if found is not None:
            return str(found)
    return None


def select_kernels(
    module: Any, device: str, dtype: str, wanted: str, probe: dict[str, np.ndarray] | None
) -> tuple[Any, dict[str, Any]]:
    """(the module to run, what was chosen and why) by the rule of the module docstring; the
    linear layers of `module` are converted in place when oneDNN is chosen.

    `probe` is the probe batch as encoder arrays (None: no probe possible, eager is kept unless
    "onednn" is insisted on, which is then an error).
    """
    from torch import nn

    from metacompress.models.onednn import onednn_available, to_dense_linears, to_onednn_linears

    check_choice("kernels", wanted, KERNELS)
    info: dict[str, Any] = {
        "kernels": "eager",
        "reason": "asked for" if wanted == "eager" else "",
        "tolerance": TOLERANCE,
        "attention": attention_of(module),
    }
    if wanted == "eager":
        return module, info
    blocker = None
    if not device.startswith("cpu"):
        blocker = f"the model runs on {device}"
    elif dtype != "float32":
        blocker = f"the model runs in {dtype}"
    elif not onednn_available():
        blocker = "this torch build has no oneDNN"
    elif probe is None:
        blocker = "no probe inputs for this encoder"
    largest = max(
        (m.weight.numel() for m in module.modules() if isinstance(m, nn.Linear)), default=0
    )
    if blocker is None and largest == 0:
        blocker = "the model has no linear layers"
    elif blocker is None and wanted == "auto" and largest < MIN_LINEAR_WEIGHTS:
        blocker = f"its largest linear layer has {largest} < {MIN_LINEAR_WEIGHTS} weights"
    if blocker is None:
        expected = probabilities(module, probe, device)
        to_onednn_linears(module)
        diff = float(np.max(np.abs(probabilities(module, probe, device) - expected)))
        info.update(probe_inputs=int(len(expected)), max_abs_diff=diff)
        if not diff <= TOLERANCE:  # NaN fails too
            to_dense_linears(module)
            blocker = f"oneDNN differs from eager by {diff:.2e} > {TOLERANCE:.0e} on the probe"
    if blocker is not None:
        if wanted == "onednn":
            raise ConfigError(f"kernels 'onednn' cannot be used: {blocker}")
        info["reason"] = blocker
        return module, info
    info.update(kernels="onednn", reason="CPU float32, equal to eager on the probe")
    return module, info
