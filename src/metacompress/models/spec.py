"""Reading a model spec and loading the model it describes.

A spec is one of:
- a YAML file (`metacompress-model.yaml`) with `format:` and the format's keys, paths relative
  to the file's folder;
- a folder holding `metacompress-model.yaml`;
- a plain Hugging Face folder (a `config.json`, no spec file): format `transformers`;
- an exported `.onnx` file with its `<stem>.yaml` spec beside it;
- a dict with the same keys (paths relative to `base_dir` when given, else the working folder);
- a string that is no existing path but looks like a Hugging Face hub id (`owner/name`):
  format `transformers`, downloaded by transformers (needs a network the first time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from metacompress.configfile import Origin, read_yaml
from metacompress.errors import ConfigError, MetaCompressError
from metacompress.models.base import Classifier
from metacompress.models.formats import FORMATS, LoadOptions, create_format
from metacompress.models.modelling import checked
from metacompress.paths import path_problem

SPEC_NAME = "metacompress-model.yaml"
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")


def read_spec(spec: str | Path | dict[str, Any]) -> tuple[dict[str, Any], Path | None]:
    """The spec's keys and the folder its paths are relative to (None for a hub id)."""
    data, base, _ = _read(spec)
    return data, base


def _read(spec: str | Path | dict[str, Any]) -> tuple[dict[str, Any], Path | None, Origin | None]:
    """read_spec, plus the Origin of a spec file (None for a mapping or a hub id)."""
    if isinstance(spec, dict):
        data = dict(spec)
        base = data.pop("base_dir", None)
        return data, Path(base) if base is not None else Path.cwd(), None
    path = Path(spec).expanduser()
    if path.is_dir():
        if (path / SPEC_NAME).is_file():
            return _file(path / SPEC_NAME, path)
        if (path / "config.json").is_file():
            return {"format": "transformers", "path": "."}, path, None
        raise ConfigError(
            f"model folder {str(path)!r} has neither {SPEC_NAME} nor a Hugging Face config.json"
        )
    if path.suffix == ".onnx" and path.with_suffix(".yaml").is_file():
        path = path.with_suffix(".yaml")
    if path.is_file():
        return _file(path, path.parent)
    text = str(spec)
    problem = path_problem(path)
    if problem not in (None, "not found"):  # a symbolic link loop, no permission, ...
        raise ConfigError(f"model spec {text!r} cannot be read: {problem}")
    if _HUB_ID.match(text) and "/" in text and not text.endswith((".yaml", ".yml")):
        return {"format": "transformers", "path": text}, None, None
    raise ConfigError(
        f"model spec {text!r} not found: expected a {SPEC_NAME} file, a folder holding one, "
        "a Hugging Face folder or a hub id like 'owner/name'"
    )


def _file(path: Path, base: Path) -> tuple[dict[str, Any], Path, Origin]:
    """The keys of the spec file `path`, checked to be a mapping with a format."""
    data, origin = read_yaml(path, "model spec")
    if not isinstance(data, dict):
        raise origin.error((), f"a model spec must be a mapping of keys, got {data!r}")
    if "format" not in data:
        raise origin.error(
            ("format",), f"no 'format' key; expected one of: {', '.join(FORMATS.names())}"
        )
    return data, base, origin


def load_model(
    spec: str | Path | dict[str, Any],
    device: str = "cpu",
    *,
    half: bool = False,
    batch_size: int | str = "auto",
    allow_pickle: bool = False,
    trust_remote_code: bool = False,
    kernels: str = "auto",
    modelling: str = "auto",
) -> Classifier:
    """Load the model described by `spec` (see the module docstring) as a Classifier.

    `device` is "cpu", "cuda", "cuda:N" or "auto"; `half` runs in float16 (GPU only);
    `batch_size` is an integer or "auto"; `allow_pickle` and `trust_remote_code` opt in to
    loading that can run code from the checkpoint; `kernels` ("auto", "eager", "onednn") picks
    the CPU kernels of torch models (`metacompress.models.kernels`); `modelling` ("auto",
    "transformers", "lean") whose code computes a RoBERTa classifier
    (`metacompress.models.modelling`).
    """
    options = LoadOptions(
        device=device,
        half=half,
        batch_size=batch_size,
        allow_pickle=allow_pickle,
        trust_remote_code=trust_remote_code,
        kernels=kernels,
        modelling=modelling,
    )
    data, base_dir, origin = _read(spec)
    return reload(SpecSource(data, base_dir, options, origin))


def load_model_as(label: str, spec: str | Path | dict[str, Any], **options: Any) -> Classifier:
    """`load_model(spec, **options)`; any failure to load is a ConfigError that starts with
    `label`, which says which model and where it was named (``exp.yaml:8: students.small``,
    ``--student``): our own errors keep their message, others give their type and first line."""
    try:
        return load_model(spec, **options)
    except MemoryError:
        raise
    except Exception as error:
        if isinstance(error, MetaCompressError):
            raise ConfigError(f"{label}: {error}") from error
        first = (str(error).strip().splitlines() or [""])[0]
        reason = f"{type(error).__name__}{': ' + first if first else ''}"
        raise ConfigError(f"{label}: cannot load the model: {reason}") from error


@dataclass(frozen=True)
class SpecSource:
    """What a model was loaded from: the spec's keys, its folder, the load options, for a
    spec file where its keys are (for errors), and the verdict of the lean RoBERTa's check
    once made (`metacompress.models.modelling`; a model sent to another process keeps it)."""

    data: dict[str, Any]
    base_dir: Path | None
    options: LoadOptions
    origin: Origin | None = field(default=None, compare=False)
    modelling_check: dict[str, Any] | None = field(default=None, compare=False)


def reload(source: SpecSource) -> Classifier:
    """Load the model described by `source` (also how a pickled model comes back)."""
    data = dict(source.data)
    name = data.pop("format", None)
    if name is None:
        raise ConfigError(f"model spec has no 'format' key; expected one of: {FORMATS.names()}")
    model = create_format(str(name), data, source.origin).load(source.base_dir, source.options)
    model, verdict = checked(model, source)
    if hasattr(model, "spec_source") and model.spec_source is None:
        model.spec_source = replace(source, modelling_check=verdict)
    return model
