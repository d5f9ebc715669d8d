"""The one interface every model is used through.

`predict_proba(batch)` takes a sequence of input tuples (one code string for vulnerability
prediction, two for clone detection) and returns an array of shape (n, 2) whose rows sum to 1;
column 1 is always the positive class ("vulnerable" / "clone"), whatever the adapter.
`fingerprint` is a stable hash of weights, tokenizer and adapter settings: the prediction cache
keys on it, so it must change whenever any of them changes.

Models of this package also offer `predict_detailed(batch, return_hidden)`, which returns a
`Prediction`: the probabilities plus, per example, whether an input was longer than the model's
window, how many characters of each input the model saw, and optionally a pooled hidden
representation. `predict(model, batch)` gives a `Prediction` for any Classifier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from metacompress.errors import ConfigError

POSITIVE_CLASS = 1
#: Rows of a probability array must sum to 1 within this tolerance.
PROB_SUM_TOLERANCE = 1e-3


@runtime_checkable
class Classifier(Protocol):
    """A binary code classifier: P(class | inputs) for a batch of input tuples."""

    @property
    def fingerprint(self) -> str: ...

    def predict_proba(self, batch: Sequence[tuple[str, ...]]) -> np.ndarray: ...


@dataclass(frozen=True, eq=False)
class Prediction:
    """The outputs of a model for n examples of k inputs each.

    - `probs` (n, 2) float64, column 1 = positive class;
    - `truncated` (n,) bool: some input of the example was longer than the model's window, so
      part of it was invisible to the model;
    - `hidden` (n, d) pooled representation (the vector the classification head reads), or None;
    - `visible_chars` (n, k) int64: how many leading characters of each input the model saw
      (the input's length when nothing was cut), or None when the model has no window. An edit
      confined to characters at or after `visible_chars[i, j]` of input j cannot change the
      model's output (unless it joins the token that ends there);
    - `truncated_inputs` (n, k) bool: which input of each example was cut, or None.
    """

    probs: np.ndarray
    truncated: np.ndarray
    hidden: np.ndarray | None = None
    visible_chars: np.ndarray | None = None
    truncated_inputs: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.probs)


@runtime_checkable
class DetailedClassifier(Classifier, Protocol):
    """A Classifier that also reports truncation and hidden representations."""

    def predict_detailed(
        self, batch: Sequence[tuple[str, ...]], return_hidden: bool = False
    ) -> Prediction: ...


def check_batch(batch: Sequence[tuple[str, ...]], who: str, arity: int | None = None) -> int:
    """Validate a batch of input tuples and return its arity (inputs per example).

    Every example must be a non-empty tuple of strings and all examples must have the same
    number of inputs (`arity` when given). Raises ConfigError naming `who` otherwise.
    """
    found: int | None = None
    for i, inputs in enumerate(batch):
        if not isinstance(inputs, tuple) or not inputs:
            raise ConfigError(
                f"{who}: example {i} must be a non-empty tuple of strings, got {type(inputs).__name__}"
            )
        if not all(isinstance(x, str) for x in inputs):
            raise ConfigError(f"{who}: example {i} must hold only strings")
        if found is None:
            found = len(inputs)
        elif len(inputs) != found:
            raise ConfigError(
                f"{who}: every example must have {found} input(s), example {i} has {len(inputs)}"
            )
    if found is not None and arity is not None and found != arity:
        task = "one code (vulnerability)" if arity == 1 else f"{arity} codes (clone)"
        raise ConfigError(f"{who} expects {task} per example, got {found} input(s)")
    return found if found is not None else (arity or 1)


def check_probs(probs: object, n: int, who: str) -> np.ndarray:
    """Return `probs` as a float64 (n, 2) array after checking it is a probability table.

    A 1-D array of length n is read as P(positive) and expanded to [1 - p, p]. Raises
    ConfigError when the shape is wrong, a value is not finite or outside [0, 1], or a row does
    not sum to 1 (within PROB_SUM_TOLERANCE).
    """
    array = np.asarray(probs, dtype=np.float64)
    if array.ndim == 1 and array.shape[0] == n:
        array = np.stack([1.0 - array, array], axis=1)
    if array.shape != (n, 2):
        raise ConfigError(f"{who} must return an array of shape ({n}, 2), got {array.shape}")
    if n and not np.all(np.isfinite(array)):
        raise ConfigError(f"{who} returned a value that is not finite")
    if n and (array.min() < 0.0 or array.max() > 1.0):
        raise ConfigError(f"{who} returned a probability outside [0, 1]")
    if n and np.max(np.abs(array.sum(axis=1) - 1.0)) > PROB_SUM_TOLERANCE:
        raise ConfigError(f"{who} returned rows that do not sum to 1 (softmax missing?)")
    return array


def predict(
    model: Classifier, batch: Sequence[tuple[str, ...]], return_hidden: bool = False
) -> Prediction:
    """The `Prediction` of any Classifier on `batch`.

    Models with `predict_detailed` report truncation and hidden representations; for others
    (plain callables) nothing is truncated, `hidden` and `visible_chars` are None.
    """
    batch = list(batch)
    detailed = getattr(model, "predict_detailed", None)
    if detailed is not None:
        return detailed(batch, return_hidden=return_hidden)
    check_batch(batch, type(model).__name__)
    probs = check_probs(model.predict_proba(batch), len(batch), type(model).__name__)
    return Prediction(probs=probs, truncated=np.zeros(len(batch), dtype=bool))
