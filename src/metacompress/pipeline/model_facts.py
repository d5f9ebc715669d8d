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

Speed, on the run's device:
- latency (ms) = the median over `SINGLES` calls of one input each, after one warm-up call,
  made with the model itself (no cache) on the first source inputs of the data;
- throughput (inputs / s) = the inputs the model computed in the run's inference stage / the
  wall seconds of those calls (`metacompress.pipeline.inference.ScoredChunk`, summed over the
  chunks): the model on all of the run's own inputs, with the batches the run gave it, at no
  extra cost. A run whose model computed nothing there (every answer came from a shared
  cache) measures it instead: the size of one batch (the config's batch size, at most the
  inputs available) / the seconds of one call on it. `throughput_source` says which
  ("inference" or "one batch") and `throughput_inputs` on how many inputs.
Timings are not deterministic: a run stores them once and a resumed run keeps them.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from metacompress.models.base import predict
from metacompress.pipeline.inference import innermost

SINGLES = 8


def model_size(model: Any, declared: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """{"parameters", "size_mb", "source"} of `model` (see the module docstring)."""
    model = innermost(model)
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


def model_speed(
    model: Any,
    inputs: Sequence[tuple[str, ...]],
    batch_size: int,
    computed: tuple[int, float] = (0, 0.0),
) -> dict[str, Any]:
    """{"latency_ms", "throughput", "inputs", "throughput_source", "throughput_inputs"} of
    `model` on `inputs`, given the (inputs, seconds) it `computed` in the run's inference
    stage (module docstring). `inputs` counts the inputs the measurement itself ran; a value
    that could not be measured (no input) is None."""
    model = innermost(model)
    inputs = list(inputs)
    speed: dict[str, Any] = {"latency_ms": None, "throughput": None, "inputs": 0,
                             "throughput_source": None, "throughput_inputs": 0}  # fmt: skip
    if inputs:
        predict(model, inputs[:1])  # warm-up
        singles = sorted(_seconds(model, [item]) for item in inputs[:SINGLES])
        middle = len(singles) // 2
        median = singles[middle] if len(singles) % 2 else (singles[middle - 1] + singles[middle]) / 2
        speed.update(latency_ms=1000 * median, inputs=1 + len(singles))
    count, seconds = computed
    if count > 0 and seconds > 0:
        speed.update(throughput=count / seconds, throughput_source="inference",
                     throughput_inputs=count)  # fmt: skip
    elif inputs:
        batch = inputs[: max(1, batch_size)]
        speed.update(throughput=len(batch) / max(_seconds(model, batch), 1e-9),
                     inputs=speed["inputs"] + len(batch), throughput_source="one batch",
                     throughput_inputs=len(batch))  # fmt: skip
    return speed


def _seconds(model: Any, batch: list[tuple[str, ...]]) -> float:
    """Wall seconds of one call of `model` on `batch`."""
    start = time.perf_counter()
    predict(model, batch)
    return time.perf_counter() - start
