"""Format `onnx`: a model exported with `metacompress export-onnx`, run by ONNX Runtime.

Spec keys: `path` (the .onnx file), `task`, `tokenizer`, `encoding` (a mapping: `format`, the
format the model was exported from, and that format's settings; the inputs are encoded exactly
as that format encodes them). The ONNX graph takes the arrays the encoder produces and returns
`probs` (column 1 = positive) and `hidden`. Runs on CPU, or on CUDA when onnxruntime-gpu is
installed and the device is cuda, with every graph optimisation (node fusions) on. The weights
checksum is the sha256 of the .onnx file (and of its external-data file, if any).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from metacompress.errors import ConfigError
from metacompress.models.checkpoints import file_sha256
from metacompress.models.engine import Backend, EngineClassifier
from metacompress.models.formats import (
    DEFAULT_AUTO_TOKENS,
    LoadOptions,
    ModelFormat,
    arity_of,
    check_task,
    create_format,
    model_format,
    resolve_path,
)


def intra_op_threads() -> int:
    """Threads for one ONNX Runtime call: as many as torch uses in this process (1 when the
    process limits torch to one thread, as benchmarks and parallel workers do)."""
    import torch

    return max(1, torch.get_num_threads())


class OnnxBackend(Backend):
    """An onnxruntime InferenceSession fed by input name: every graph optimisation on, the
    intra-op threads of `intra_op_threads`."""

    kernels = "onnxruntime"

    def __init__(self, path: Path, device: str) -> None:
        import onnxruntime as ort

        self.device = device
        self.dtype = "float32"
        providers = ["CPUExecutionProvider"]
        if device.startswith("cuda"):
            if "CUDAExecutionProvider" not in ort.get_available_providers():
                raise ConfigError("device cuda needs onnxruntime-gpu (CUDAExecutionProvider)")
            providers.insert(0, "CUDAExecutionProvider")
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = intra_op_threads()
        options.inter_op_num_threads = 1
        try:
            self.session = ort.InferenceSession(str(path), options, providers=providers)
        except Exception as error:  # onnxruntime raises its own exception types
            raise ConfigError(f"cannot load ONNX model {str(path)!r}: {error}") from None
        self.inputs = [i.name for i in self.session.get_inputs()]

    def run(self, arrays: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        missing = [name for name in self.inputs if name not in arrays]
        if missing:
            raise ConfigError(f"the ONNX model needs inputs {missing} that the encoder lacks")
        probs, hidden = self.session.run(["probs", "hidden"], {n: arrays[n] for n in self.inputs})
        return np.asarray(probs, dtype=np.float32), np.asarray(hidden, dtype=np.float32)

    def backend_info(self) -> dict[str, Any]:
        import onnxruntime as ort

        return {
            "backend": "onnxruntime",
            "onnxruntime": ort.__version__,
            "kernels": self.kernels,
            "providers": self.session.get_providers(),
            "graph_optimization": "all",
            "intra_op_threads": self.session.get_session_options().intra_op_num_threads,
        }

    def is_out_of_memory(self, error: BaseException) -> bool:
        text = str(error).lower()
        return isinstance(error, MemoryError) or "out of memory" in text or "bad_alloc" in text


def onnx_sha256(path: Path) -> tuple[str, dict[str, str]]:
    """(combined sha256, per-file sha256) of the .onnx file and its external data."""
    files = {str(path): file_sha256(path)}
    data = path.with_name(path.name + ".data")
    if data.is_file():
        files[str(data)] = file_sha256(data)
    combined = hashlib.sha256("".join(files.values()).encode()).hexdigest()
    return combined, files


@model_format("onnx", "an ONNX model exported by export-onnx, run by ONNX Runtime")
@dataclass(frozen=True)
class OnnxFormat(ModelFormat):
    path: str = "model.onnx"
    task: str | None = None
    tokenizer: str | None = None
    encoding: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_task(self.task)
        if not isinstance(self.encoding, dict) or "format" not in self.encoding:
            raise ConfigError(
                "format 'onnx' needs 'encoding' with the 'format' the model was exported from"
            )
        if self.tokenizer is None:
            raise ConfigError("format 'onnx' needs 'tokenizer'")

    def load(self, base_dir: Path | None, options: LoadOptions) -> EngineClassifier:
        if options.half:
            raise ConfigError("half precision is not available for ONNX models")
        params = {k: v for k, v in self.encoding.items() if k != "format"}
        source = create_format(
            str(self.encoding["format"]), {**params, "task": self.task, "tokenizer": self.tokenizer}
        )
        make_encoder = getattr(source, "make_encoder", None)
        if make_encoder is None:
            raise ConfigError(f"format {self.encoding['format']!r} has no input encoder")
        encoder = make_encoder(base_dir, options)
        path = resolve_path(base_dir, self.path, "ONNX model")
        device = options.resolved_device()
        weights, files = onnx_sha256(path)
        return EngineClassifier(
            encoder=encoder,
            backend=OnnxBackend(path, device),
            format_name=self.format_name,
            settings=self.settings(),
            weights_sha256=weights,
            files=files,
            batch_size=options.batch_size,
            token_budget=DEFAULT_AUTO_TOKENS["cuda" if device.startswith("cuda") else "cpu"],
            arity=arity_of(self.task),
        )
