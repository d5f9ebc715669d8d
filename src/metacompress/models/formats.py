"""Model formats: how a model described by a spec is loaded, and the registry that names them.

A format is a frozen dataclass whose fields are the keys of the spec file
(`metacompress-model.yaml`) besides `format`; `load(base_dir, options)` returns a Classifier.
Paths in a spec are relative to the folder of the spec file (`base_dir`). Register a format
with `@model_format(name, description)`; `metacompress list model-formats` shows them.

Options that weaken safety (`allow_pickle`, `trust_remote_code`) are never read from a spec:
they come from the caller (`load_model(...)` arguments, `--allow-pickle` and
`--trust-remote-code` on the command line).
"""

from __future__ import annotations

import abc
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from metacompress.configfile import Origin
from metacompress.data.types import TASKS
from metacompress.errors import ConfigError
from metacompress.models.kernels import KERNELS
from metacompress.models.modelling import MODELLINGS
from metacompress.paths import path_problem
from metacompress.registry import Registry, check_choice, check_range, get_params

FORMATS: Registry[type[ModelFormat]] = Registry(
    "model format", packages=("metacompress.models.adapters",)
)
DEVICES = ("cpu", "cuda", "auto")
#: Tokens per batch of batch size "auto". On a CPU a transformer's cost per input does not
#: fall with larger batches while its activations grow with them: 512 tokens measured no slower
#: than 1,024 and 1,024 faster than 4,096, each with less memory (12-layer, 768-hidden
#: encoder, Devign functions at 256 tokens, CPU ms per input and peak MB while scoring: 4,096:
#: 334-335, 1,022-1,077; 1,024: 242-264, 712-733; 512: 232-241, 681-718; 3 MB student: 21.5-22.9
#: at every size), `benchmarks/inference/README.md`.
DEFAULT_AUTO_TOKENS = {"cpu": 512, "cuda": 262144}


def model_format(name: str, description: str) -> Callable[[type[ModelFormat]], type[ModelFormat]]:
    """Class decorator: register a ModelFormat under `name`."""

    def decorate(cls: type[ModelFormat]) -> type[ModelFormat]:
        cls.format_name = name
        return FORMATS.register(name, description)(cls)

    return decorate


def check_device(device: str) -> str:
    """`device` when it is "cpu", "cuda", "cuda:N" (N a GPU index) or "auto"; a ConfigError
    otherwise. The run config and `LoadOptions` both follow this rule."""
    base, colon, index = str(device).partition(":")
    if base not in DEVICES or (colon and (base != "cuda" or not index.isdigit())):
        raise ConfigError(f"device must be cpu, cuda, cuda:N or auto, got {device!r}")
    return device


@dataclass(frozen=True)
class LoadOptions:
    """How to load, whatever the format.

    - `device`: "cpu", "cuda" (or "cuda:N"), or "auto" (cuda when available, else cpu);
    - `half`: float16 weights and activations (GPU only);
    - `batch_size`: examples per forward pass, or "auto": as many as fit a token budget
      (`DEFAULT_AUTO_TOKENS` per device), halved on out-of-memory;
    - `allow_pickle`: accept checkpoints that `torch.load(weights_only=True)` refuses;
    - `trust_remote_code`: run model code shipped with a checkpoint (and import the function
      named by a `callable` spec file);
    - `kernels`: "auto", "eager" or "onednn" for torch models (see
      `metacompress.models.kernels`);
    - `modelling`: "auto", "transformers" or "lean": whose code computes a RoBERTa classifier
      (see `metacompress.models.modelling`).
    """

    device: str = "cpu"
    half: bool = False
    batch_size: int | str = "auto"
    allow_pickle: bool = False
    trust_remote_code: bool = False
    kernels: str = "auto"
    modelling: str = "auto"

    def __post_init__(self) -> None:
        check_choice("kernels", self.kernels, KERNELS)
        check_choice("modelling", self.modelling, MODELLINGS)
        check_device(self.device)
        if self.batch_size != "auto":
            if not isinstance(self.batch_size, int):
                raise ConfigError(
                    f"batch_size must be an integer or 'auto', got {self.batch_size!r}"
                )
            check_range("batch_size", self.batch_size, 1)

    def resolved_device(self) -> str:
        """The torch device string: "auto" becomes "cuda" when a GPU is available."""
        if self.device != "auto":
            if self.device.startswith("cuda"):
                import torch

                if not torch.cuda.is_available():
                    raise ConfigError("device 'cuda' was asked for but no CUDA GPU is available")
            return self.device
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"


@dataclass(frozen=True)
class ModelFormat(abc.ABC):
    """One way of turning a spec into a Classifier; the fields are the spec's keys."""

    format_name: ClassVar[str] = ""

    def settings(self) -> dict[str, Any]:
        """The spec keys that change outputs (everything but file locations), for fingerprints."""
        return {k: v for k, v in get_params(self).items() if k not in self.location_fields()}

    def location_fields(self) -> tuple[str, ...]:
        """Fields that name files or folders; their content is hashed instead of their path."""
        return ("path", "tokenizer", "config")

    @abc.abstractmethod
    def load(self, base_dir: Path | None, options: LoadOptions) -> Any:
        """Build the Classifier; `base_dir` is the spec's folder (None: a hub id, no folder)."""


def check_task(task: str | None) -> None:
    """Raise ConfigError unless task is None or one of TASKS."""
    if task is not None:
        check_choice("task", task, TASKS)


def arity_of(task: str | None) -> int | None:
    """Inputs per example of a task: 1 (vulnerability), 2 (clone), None (not declared)."""
    return None if task is None else (1 if task == "vulnerability" else 2)


def resolve_path(base_dir: Path | None, value: str, what: str, must_exist: bool = True) -> Path:
    """`value` relative to the spec folder; a ConfigError naming the spec key if missing."""
    path = Path(value).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if must_exist and not path.exists():
        problem = path_problem(path) or "not found"
        raise ConfigError(
            f"{what} {str(path)!r} does not exist"
            if problem == "not found"
            else f"{what} {str(path)!r} cannot be read: {problem}"
        )
    return path


def create_format(name: str, params: dict[str, Any], origin: Origin | None = None) -> ModelFormat:
    """The format `name` configured with the spec keys `params` (unknown keys: ConfigError).

    With the `origin` of a spec file, an error names the file and the line of the key at fault:
    an unknown key, or the key a validation message starts with (else the `format` key).
    """

    def error(key: str, message: str) -> ConfigError:
        return ConfigError(message) if origin is None else origin.error((key,), message)

    if name not in FORMATS:
        raise error("format", f"unknown model format {name!r}; expected one of: "
                              f"{', '.join(FORMATS.names())}")  # fmt: skip
    cls = FORMATS.get(name)
    allowed = {f.name for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise error(
            unknown[0],
            f"model format {name!r} has no key {', '.join(map(repr, unknown))}; "
            f"expected some of: format, {', '.join(sorted(allowed))}",
        )
    try:
        return cls(**params)
    except ConfigError as failure:
        message = str(failure)
        key = next((k for k in sorted(params, key=len, reverse=True)
                    if message.startswith(k)), "format")  # fmt: skip
        raise error(key, message) from None
