"""Stage 4: run a model on unique inputs, in batches, never losing an input to a bad one.

Inputs are deduplicated by content (`metacompress.hashing.input_key`) before they reach a model: a follow-up
identical to its source, or to another follow-up, is scored once. A call that raises is
split until the inputs that fail are isolated, so an input the model cannot score is recorded
with its reason (status "error") and every other input is still scored.

A model's pending inputs are handed to it in chunks sorted by the model's own token lengths when
it says them (`token_sorted`; the engine's models do), else by characters: the engine pads each
batch to its longest input, and chunks cut from a character order pad a few per cent more
than one call on all the inputs would.

A chunk also says what it cost the model (`ScoredChunk`): the inputs the model itself computed
(a cached model's misses; every input of a model without a cache) and the wall seconds of the
call. Summed over the run's chunks they give the model's throughput on the run's own inputs
(`metacompress.pipeline.model_facts`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from metacompress.models.base import Classifier, predict
from metacompress.rundir.store import dumps
from metacompress.stats.metrics import predicted_labels

OK, ERROR = "ok", "error"
#: Inputs tokenized at once by `token_sorted`.
ORDER_BLOCK = 1024


@dataclass(frozen=True)
class ModelOutput:
    """One model's output on one input (a row of the `outputs` table, less the model name)."""

    input_key: str
    status: str
    reason: str = ""
    p_negative: float | None = None
    p_positive: float | None = None
    predicted: int | None = None
    truncated: int | None = None
    hidden: bytes | None = None
    visible_chars: str | None = None

    def row(self, model: str) -> tuple:
        return (
            model,
            self.input_key,
            self.p_negative,
            self.p_positive,
            self.predicted,
            self.truncated,
            self.hidden,
            self.status,
            self.reason,
            self.visible_chars,
        )


def _outputs(keys: Sequence[str], batch: list[tuple[str, ...]], model: Classifier,
             return_hidden: bool) -> list[ModelOutput]:  # fmt: skip
    prediction = predict(model, batch, return_hidden=return_hidden)
    probs = np.asarray(prediction.probs, dtype=np.float64)
    if probs.shape != (len(batch), 2):
        raise ValueError(f"model returned shape {probs.shape} for {len(batch)} inputs")
    labels = predicted_labels(probs)
    truncated = prediction.truncated
    hidden = prediction.hidden
    visible = prediction.visible_chars
    rows = []
    for i, key in enumerate(keys):
        vector = None
        if return_hidden and hidden is not None:
            vector = np.asarray(hidden[i], dtype="<f4").tobytes()
        rows.append(
            ModelOutput(
                input_key=key,
                status=OK,
                p_negative=float(probs[i, 0]),
                p_positive=float(probs[i, 1]),
                predicted=int(labels[i]),
                truncated=None if truncated is None else int(bool(truncated[i])),
                hidden=vector,
                visible_chars=None if visible is None else dumps([int(v) for v in visible[i]]),
            )
        )
    return rows


def score_inputs(
    model: Classifier,
    items: Sequence[tuple[str, tuple[str, ...]]],
    return_hidden: bool = False,
) -> list[ModelOutput]:
    """Outputs of `model` on (input_key, inputs) items, in item order; errors are outputs too.

    The items go to the model in one call (the model layer batches and buckets by length); a
    call that raises is split in halves, recursively, so the inputs that fail are found in
    O(k log n) calls and recorded with their reason while every other input is scored.
    """
    if not items:
        return []
    keys = [key for key, _ in items]
    try:
        return _outputs(keys, [inputs for _, inputs in items], model, return_hidden)
    except Exception as error:  # one bad input must not lose the others: bisect
        if len(items) == 1:
            reason = f"{type(error).__name__}: {error}"
            return [ModelOutput(input_key=keys[0], status=ERROR, reason=reason)]
    middle = len(items) // 2
    return score_inputs(model, items[:middle], return_hidden) + score_inputs(
        model, items[middle:], return_hidden
    )


def decode_hidden(blob: bytes | None) -> np.ndarray | None:
    """The float32 vector stored in an `outputs.hidden` cell (None when absent or empty)."""
    if not blob:
        return None
    return np.frombuffer(blob, dtype="<f4").astype(np.float64)


@dataclass(frozen=True)
class ScoredChunk:
    """The outputs of one inference unit, and the `computed` inputs the model ran for them
    (cache hits excluded) in `seconds` of wall time."""

    outputs: list[ModelOutput]
    computed: int
    seconds: float


def _misses(model: Any) -> int | None:
    """The inputs a cached model has computed so far; None for a model without a cache."""
    counters = getattr(model, "counters", None)
    return counters()["misses"] if callable(counters) else None


def score_chunk(models: Mapping[str, Any], unit: tuple) -> ScoredChunk:
    """Unit of the inference stage: (role, [(input_key, inputs)], hidden) -> the chunk's
    outputs and their cost."""
    role, items, hidden = unit
    model = models[role]
    before = _misses(model)
    start = time.perf_counter()
    outputs = score_inputs(model, items, hidden)
    seconds = time.perf_counter() - start
    after = _misses(model)
    computed = len(items) if before is None or after is None else after - before
    return ScoredChunk(outputs=outputs, computed=computed, seconds=seconds)


def innermost(model: Any) -> Any:
    """The model under any caching wrapper."""
    while hasattr(model, "inner"):
        model = model.inner
    return model


def token_sorted(
    model: Any, rowids: np.ndarray, read: Callable[[np.ndarray], list[tuple[str, ...]]]
) -> np.ndarray:
    """`rowids` (inputs in character-length order, read by `read`, `ORDER_BLOCK` at a time)
    re-sorted, stably, by `model`'s token lengths (its ``token_lengths``); unchanged for a
    model that does not say them, or whose tokenizer raises on an input (the order is only an
    economy: scoring isolates and records that input)."""
    lengths_of = getattr(innermost(model), "token_lengths", None)
    if lengths_of is None or len(rowids) < 2:
        return rowids
    lengths: list[int] = []
    try:
        for start in range(0, len(rowids), ORDER_BLOCK):
            lengths += lengths_of(read(rowids[start : start + ORDER_BLOCK]))
    except Exception:  # noqa: BLE001 - any tokenizer failure keeps the character order
        return rowids
    return rowids[np.argsort(np.asarray(lengths), kind="stable")]
