"""What the effectiveness table says about a model besides its scores: size and CPU speed.

Size, read from the loaded model (never estimated):
- a PyTorch model: parameters = the number of elements of its weights; size in MB =
  their bytes as loaded / 10^6 (float32: 4 bytes each, the convention of `distill`). Its
  weights are its parameters and the weight (and bias, when it has one) of each linear layer
  the model layer runs by oneDNN (`models.onednn.OneDNNLinear` holds them as buffers, not
  parameters: without them a 125M encoder on the CPU counted 39M);
- an ONNX model: size in MB = the bytes of its .onnx file and external data / 10^6
  (parameters unknown);
- anything else (a Python callable): what the study config declares (`size_mb`,
  `parameters`), else unknown.

Speed, measured once per run on the run's device with the model itself (no cache), on the
first source inputs of the data:
- latency (ms) = the median over `SINGLES` calls of one input each, after one warm-up call;
- throughput (inputs / s) = the size of one batch (the config's batch size, at most the
  inputs available) / the seconds of one call on it.
Timings are not deterministic: a run stores them once and a resumed run keeps them.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from metacompress.models.base import predict

SINGLES = 8


def _inner(model: Any) -> Any:
    """The model under any caching wrapper."""
    while hasattr(model, "inner"):
        model = model.inner
    return model


def model_size(model: Any, declared: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """{"parameters", "size_mb", "source"} of `model` (see the module docstring)."""
    model = _inner(model)
    module = getattr(getattr(model, "backend", None), "module", None)
    if module is not None and hasattr(module, "parameters"):
        tensors = _weights(module)
        return {
            "parameters": int(sum(t.numel() for t in tensors)),
            "size_mb": sum(t.numel() * t.element_size() for t in tensors) / 1e6,
            "source": "weights",
        }
    files = [Path(p) for p in getattr(model, "files", {}) if str(p).endswith((".onnx", ".data"))]
    if getattr(model, "format_name", None) == "onnx" and files:
        size = sum(p.stat().st_size for p in files if p.is_file())
        return {"parameters": None, "size_mb": size / 1e6, "source": "files"}
    declared = declared or {}
    if declared.get("size_mb") is not None or declared.get("parameters") is not None:
        return {"parameters": declared.get("parameters"), "size_mb": declared.get("size_mb"),
                "source": "declared"}  # fmt: skip
    return {"parameters": None, "size_mb": None, "source": None}


def _weights(module: Any) -> list[Any]:
    """The parameters of a torch `module` and the weights of its oneDNN linear layers."""
    from metacompress.models.onednn import OneDNNLinear

    tensors = list(module.parameters())
    for layer in module.modules():
        if isinstance(layer, OneDNNLinear):
            tensors += [layer.weight, layer.bias] if layer.has_bias else [layer.weight]
    return tensors


def model_speed(model: Any, inputs: Sequence[tuple[str, ...]], batch_size: int) -> dict[str, Any]:
    """{"latency_ms", "throughput", "inputs"} of `model` on `inputs` (module docstring);
    None values when there is no input."""
    model = _inner(model)
    inputs = list(inputs)
    if not inputs:
        return {"latency_ms": None, "throughput": None, "inputs": 0}
    predict(model, inputs[:1])  # warm-up
    singles = []
    for item in inputs[:SINGLES]:
        start = time.perf_counter()
        predict(model, [item])
        singles.append(time.perf_counter() - start)
    batch = inputs[: max(1, batch_size)]
    start = time.perf_counter()
    predict(model, batch)
    seconds = max(time.perf_counter() - start, 1e-9)
    singles.sort()
    middle = len(singles) // 2
    median = singles[middle] if len(singles) % 2 else (singles[middle - 1] + singles[middle]) / 2
    return {"latency_ms": 1000 * median, "throughput": len(batch) / seconds,
            "inputs": len(singles) + len(batch)}  # fmt: skip
