"""Export a torch model of this package to ONNX, with its tokenizer and a spec to load it.

`export_onnx(model, out)` writes:
- `out` (e.g. student.onnx): the graph from encoder arrays to `probs` (column 1 positive) and
  `hidden`, with dynamic batch and length axes (torch.export-based exporter);
- `<stem>-tokenizer/`: the tokenizer, as the source model used it;
- `<stem>.yaml`: a spec of format `onnx` (`load_model("student.yaml")`, or the .onnx path).
Then it runs ONNX Runtime and the torch model on sample inputs and refuses the export when
their probabilities differ by more than `tolerance` (default 1e-4). Everything is written into a
staging folder first and moved into place only when the export passed, the spec last
(`metacompress.atomic.staged_folder`): a failure (a full disk included) leaves no partial file
under the final names.
"""

from __future__ import annotations

import copy
import io
import logging
import warnings
from collections.abc import Sequence
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from metacompress.atomic import STORAGE_ERRNOS, staged_folder
from metacompress.errors import ConfigError
from metacompress.models.engine import EngineClassifier
from metacompress.models.kernels import PROBE_INPUTS
from metacompress.models.torch_backend import TorchBackend
from metacompress.registry import check_choice

EXPORTERS = ("dynamo", "torchscript")


@dataclass(frozen=True)
class ExportResult:
    """What was written and how far ONNX Runtime is from torch on the sample inputs."""

    onnx_path: Path
    spec_path: Path
    tokenizer: str
    max_abs_diff: float


def _dynamic_shapes(arrays: dict[str, np.ndarray], rows: int) -> dict[str, dict[int, Any]]:
    """Axis 0 is the batch; after it (and after the pair axis when each example has two
    sequences) every axis is the padded length."""
    from torch.export import Dim

    batch, length = Dim("batch", min=1), Dim("length", min=2)
    first = 2 if rows == 2 else 1
    return {
        name: {0: batch, **{axis: length for axis in range(first, array.ndim)}}
        for name, array in arrays.items()
    }


def export_onnx(
    model: EngineClassifier,
    out: str | Path,
    *,
    samples: Sequence[tuple[str, ...]] | None = None,
    tolerance: float = 1e-4,
    opset: int | None = None,
    exporter: str = "dynamo",
) -> ExportResult:
    """Export `model` (a torch-backed model of this package) to `out`; see the module doc.

    `exporter` is "dynamo" (torch.export, the maintained exporter) or "torchscript" (the
    tracing exporter: much faster, deprecated by torch). Parity is checked on the padded sample
    batch and on each sample alone, so a traced branch that depends on padding is caught.
    """
    if not isinstance(model, EngineClassifier) or not isinstance(model.backend, TorchBackend):
        raise ConfigError(
            "export-onnx needs a torch model (formats transformers, codexglue-*, compressor, "
            "graphcodebert)"
        )
    out = Path(out)
    if out.suffix != ".onnx":
        raise ConfigError(f"the output file must end in .onnx, got {str(out)!r}")
    with staged_folder(out.parent, last=out.with_suffix(".yaml").name) as staging:
        staged = _export(model, staging / out.name, samples, tolerance, opset, exporter)
    return ExportResult(out, out.with_suffix(".yaml"), staged.tokenizer, staged.max_abs_diff)


def _export(
    model: EngineClassifier,
    out: Path,
    samples: Sequence[tuple[str, ...]] | None,
    tolerance: float,
    opset: int | None,
    exporter: str,
) -> ExportResult:
    """Write the export to `out` (in the staging folder) and check it (see `export_onnx`)."""
    import torch

    arity = model.arity or 1
    batch = list(samples) if samples is not None else PROBE_INPUTS[arity]
    if len(batch) < 2:
        raise ConfigError("export-onnx needs at least 2 sample inputs")
    items = model.encoder.encode_batch(batch)
    arrays = model.encoder.collate(items)
    shapes = _dynamic_shapes(arrays, len(items[0].rows))
    module = model.backend.eager_module()
    if model.backend.device != "cpu" or model.backend.dtype != "float32":
        module = copy.deepcopy(module).to("cpu").float()
    module = module.eval()
    tensors = {k: torch.from_numpy(v) for k, v in arrays.items()}
    names = list(model.encoder.input_names(arity))
    check_choice("exporter", exporter, EXPORTERS)
    torch_onnx_log = logging.getLogger("torch.onnx")
    level = torch_onnx_log.level
    torch_onnx_log.setLevel(logging.ERROR)
    with warnings.catch_warnings(), redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            if exporter == "dynamo":
                program = torch.onnx.export(
                    module,
                    args=(),
                    kwargs={n: tensors[n] for n in names},
                    input_names=names,
                    output_names=["probs", "hidden"],
                    dynamic_shapes={n: shapes[n] for n in names},
                    opset_version=opset,
                    dynamo=True,
                    optimize=False,  # the graph optimizer turned GraphCodeBERT's output to NaN
                    verbose=False,
                )
                program.save(str(out))
            else:
                torch.onnx.export(
                    module,
                    args=tuple(tensors[n] for n in names),
                    f=str(out),
                    input_names=names,
                    output_names=["probs", "hidden"],
                    dynamic_axes={
                        n: {axis: ("batch" if axis == 0 else "length") for axis in shapes[n]}
                        for n in names
                    },
                    opset_version=opset or 17,
                    dynamo=False,
                )
        except Exception as error:  # the exporters raise many error types
            if isinstance(error, OSError) and error.errno in STORAGE_ERRNOS:
                raise  # a full or read-only disk: staged_folder names the folder
            raise ConfigError(f"ONNX export failed: {error}") from None
        finally:
            torch_onnx_log.setLevel(level)
    diffs = [
        _parity(out, model.encoder.collate(group), module)
        for group in [items, *([item] for item in items)]
    ]
    diff = float("nan") if any(np.isnan(diffs)) else max(diffs)
    if not diff <= tolerance:  # NaN fails too
        raise ConfigError(
            f"ONNX Runtime and torch differ by {diff:.2e} (> {tolerance:.0e}) on the sample inputs"
        )
    tokenizer = model.encoder.save_tokenizer(out.parent / f"{out.stem}-tokenizer")
    spec = {
        "format": "onnx",
        "path": out.name,
        "task": {1: "vulnerability", 2: "clone"}[arity] if model.arity else None,
        "tokenizer": tokenizer,
        "encoding": {"format": model.format_name, **model.settings},
    }
    spec_path = out.with_suffix(".yaml")
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return ExportResult(out, spec_path, tokenizer, diff)


def _parity(out: Path, arrays: dict[str, np.ndarray], module: Any) -> float:
    """Largest |ONNX Runtime - torch| over the probabilities of one batch (NaN if any is)."""
    import onnxruntime as ort
    import torch

    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    probs, _ = session.run(
        ["probs", "hidden"], {i.name: arrays[i.name] for i in session.get_inputs()}
    )
    with torch.inference_mode():
        expected, _ = module(**{k: torch.from_numpy(v) for k, v in arrays.items()})
    return float(np.max(np.abs(probs - expected.float().numpy())))
