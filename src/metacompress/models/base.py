"""The one interface every model is used through.

`predict_proba(batch)` takes a sequence of input tuples (one code string for vulnerability
prediction, two for clone detection) and returns an array of shape (n, 2) whose rows sum to 1;
column 1 is always the positive class ("vulnerable" / "clone"), whatever the adapter.
`fingerprint` is a stable hash of weights, tokenizer and adapter settings: the prediction cache
keys on it, so it must change whenever any of them changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

POSITIVE_CLASS = 1


@runtime_checkable
class Classifier(Protocol):
    """A binary code classifier: P(class | inputs) for a batch of input tuples."""

    @property
    def fingerprint(self) -> str: ...

    def predict_proba(self, batch: Sequence[tuple[str, ...]]) -> np.ndarray: ...
