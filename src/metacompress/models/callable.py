"""A plain Python function as a Classifier, for users' own models.

The function takes a batch (a list of input tuples) and returns an (n, 2) array of class
probabilities with column 1 = positive, or an (n,) array of P(positive). Its output is checked
(shape, range, rows summing to 1) on every call, so a wrong function fails loudly.

The fingerprint is sha256 over the name and the function's source code (or its qualified name
when the source is not available). State hidden inside the function (weights held by a closure
or an object) is invisible to it: pass `fingerprint=` explicitly when that state can change,
or the prediction cache may serve results of the old state.
"""

from __future__ import annotations

import hashlib
import inspect
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from metacompress.errors import ConfigError
from metacompress.models.base import Prediction, check_batch, check_probs

BatchFunction = Callable[[list[tuple[str, ...]]], Any]


def _source_of(fn: Callable[..., Any]) -> str:
    target = getattr(fn, "__func__", fn)
    try:
        return inspect.getsource(target)
    except (OSError, TypeError):
        module = getattr(target, "__module__", "") or ""
        qualname = getattr(target, "__qualname__", type(target).__qualname__)
        return f"{module}.{qualname}"


class CallableClassifier:
    """Wrap `fn(batch) -> probs` as a Classifier named `name`.

    `arity` (1 or 2), when given, is the number of inputs per example the function expects;
    batches of another arity are refused. `queries` counts the inputs the function was asked.
    """

    def __init__(
        self,
        fn: BatchFunction,
        name: str = "callable",
        *,
        fingerprint: str | None = None,
        arity: int | None = None,
    ) -> None:
        if not callable(fn):
            raise ConfigError(f"CallableClassifier needs a callable, got {type(fn).__name__}")
        if arity is not None and arity not in (1, 2):
            raise ConfigError(f"arity must be 1 or 2, got {arity!r}")
        self.fn = fn
        self.name = name
        self.arity = arity
        if fingerprint is None:
            text = f"callable\0{name}\0{_source_of(fn)}"
            fingerprint = hashlib.sha256(text.encode("utf-8")).hexdigest()
        self._fingerprint = fingerprint
        self.queries = 0
        self._lock = threading.Lock()

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def predict_proba(self, batch: Sequence[tuple[str, ...]]) -> np.ndarray:
        batch = list(batch)
        check_batch(batch, f"callable model {self.name!r}", self.arity)
        with self._lock:
            self.queries += len(batch)
        if not batch:
            return np.zeros((0, 2), dtype=np.float64)
        return check_probs(self.fn(batch), len(batch), f"callable model {self.name!r}")

    def predict_detailed(
        self, batch: Sequence[tuple[str, ...]], return_hidden: bool = False
    ) -> Prediction:
        """Probabilities; a function has no window, so nothing is truncated and no hidden."""
        probs = self.predict_proba(batch)
        return Prediction(probs=probs, truncated=np.zeros(len(probs), dtype=bool))

    def describe(self) -> dict[str, Any]:
        return {"format": "callable", "name": self.name, "fingerprint": self.fingerprint}

    def __repr__(self) -> str:
        return f"CallableClassifier(name={self.name!r})"
