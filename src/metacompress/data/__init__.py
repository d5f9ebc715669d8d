"""Examples and variants, data set loaders and the built-in synthetic benchmark.

The names below are imported on first use (PEP 562), so that `metacompress.data.types`, which
the command-line parser needs, does not pull in the loaders (numpy, YAML, the readers)."""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "load_examples": "metacompress.data.loaders",
    "FlaggedRow": "metacompress.data.result",
    "LoadResult": "metacompress.data.result",
    "SkippedRow": "metacompress.data.result",
    "Example": "metacompress.data.types",
    "Variant": "metacompress.data.types",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value
