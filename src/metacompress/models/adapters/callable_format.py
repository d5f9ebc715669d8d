"""Format `callable`: a Python function `batch -> probs` named in the spec.

Spec keys: `function: "package.module:attribute"` (the module is imported from the spec's
folder or sys.path), `name`, `task`, `fingerprint` (optional; see CallableClassifier). A spec
*file* makes the loader import and run code, so it needs `trust_remote_code`; a spec dict
built in Python may instead hold the function itself under `function`.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metacompress.errors import ConfigError
from metacompress.models.callable import CallableClassifier
from metacompress.models.formats import (
    LoadOptions,
    ModelFormat,
    arity_of,
    check_task,
    model_format,
)


def import_function(reference: str, base_dir: Path | None) -> Callable[..., Any]:
    """The object named by "package.module:attribute", importing from `base_dir` first."""
    module_name, sep, attribute = reference.partition(":")
    if not sep or not module_name or not attribute:
        raise ConfigError(f"function must look like 'package.module:attribute', got {reference!r}")
    added = base_dir is not None and str(base_dir) not in sys.path
    if added:
        sys.path.insert(0, str(base_dir))
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ConfigError(f"cannot import module {module_name!r} for the model: {error}") from None
    finally:
        if added:
            sys.path.remove(str(base_dir))
    target: Any = module
    for part in attribute.split("."):
        if not hasattr(target, part):
            raise ConfigError(f"module {module_name!r} has no attribute {attribute!r}")
        target = getattr(target, part)
    if not callable(target):
        raise ConfigError(f"{reference!r} is not callable")
    return target


@model_format("callable", "a Python function batch -> (n, 2) probabilities")
@dataclass(frozen=True)
class CallableFormat(ModelFormat):
    function: Any = None
    name: str = "callable"
    task: str | None = None
    fingerprint: str | None = None

    def __post_init__(self) -> None:
        check_task(self.task)
        if self.function is None:
            raise ConfigError("format 'callable' needs 'function: package.module:attribute'")
        if not (isinstance(self.function, str) or callable(self.function)):
            raise ConfigError(
                f"function must be 'package.module:attribute' or a callable, got {self.function!r}"
            )

    def load(self, base_dir: Path | None, options: LoadOptions) -> CallableClassifier:
        fn = self.function
        if isinstance(fn, str):
            if not options.trust_remote_code:
                raise ConfigError(
                    f"the model spec names Python code to run ({fn!r}); pass "
                    "trust_remote_code=True (--trust-remote-code) if you trust it"
                )
            fn = import_function(fn, base_dir)
        return CallableClassifier(
            fn, self.name, fingerprint=self.fingerprint, arity=arity_of(self.task)
        )
