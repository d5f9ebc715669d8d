"""The inference engine: length-bucketed dynamic batches, out-of-memory back-off, and the
Classifier that joins an encoder to a backend (torch or ONNX Runtime).

Batching rule: the examples are sorted by token length (stable), cut into consecutive batches,
each padded only to its own longest example, and the results are put back in input order.
A fixed `batch_size` takes that many examples per batch; `"auto"` takes as many as keep
batch_size x padded_length <= token_budget (at most `MAX_AUTO_BATCH`). When a batch runs out of
memory the size (or the token budget) is halved, the batch is split to fit and retried, and all
later batches use the smaller size.

Fingerprint: sha256 over the JSON of {format, settings, weights sha256, encoder digest (the
tokenizer, its files and every encoding setting, max length included), dtype, device class
("cpu" or "cuda", not the device number), the backend's kernels, and `identity`: what else the
format knows to change outputs (the model config's checksum, the head convention)}. It changes
when any of them changes; it does not depend on file locations.
"""

from __future__ import annotations

import abc
import gc
import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from metacompress.errors import ConfigError
from metacompress.models.base import Prediction, check_batch
from metacompress.models.encoding import Encoded, Encoder

MAX_AUTO_BATCH = 512


class Backend(abc.ABC):
    """Runs a model on padded arrays and returns (probs (b, 2), pooled hidden (b, d))."""

    dtype: str = "float32"
    device: str = "cpu"
    #: The kernels that compute the outputs (part of the fingerprint: they change the last bits).
    kernels: str = "default"

    def backend_info(self) -> dict[str, Any]:
        """How this backend runs the model (recorded in run summaries)."""
        return {"backend": type(self).__name__, "kernels": self.kernels}

    @abc.abstractmethod
    def run(self, arrays: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities (column 1 positive) and pooled hidden representations."""

    def is_out_of_memory(self, error: BaseException) -> bool:
        """Whether `error` means the batch did not fit in memory."""
        return isinstance(error, MemoryError)

    def release_memory(self) -> None:
        """Free memory after an out-of-memory error (collect unreachable arrays)."""
        gc.collect()


def plan_batches(
    lengths: Sequence[int], batch_size: int | str, token_budget: int
) -> list[list[int]]:
    """Indices of each batch: sorted by length, cut by size or by token budget."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    pos = 0
    while pos < len(order):
        if batch_size == "auto":
            k = 1
            while (
                pos + k < len(order)
                and k < MAX_AUTO_BATCH
                and (k + 1) * lengths[order[pos + k]] <= token_budget
            ):
                k += 1
        else:
            k = int(batch_size)
        batches.append(order[pos : pos + k])
        pos += k
    return batches


def _too_big(lengths: list[int], batch_size: int | str, token_budget: int) -> bool:
    """Whether a planned batch exceeds the (possibly reduced) size or token budget."""
    if batch_size == "auto":
        return len(lengths) * max(lengths) > token_budget
    return len(lengths) > int(batch_size)


def run_batched(
    items: Sequence[Encoded],
    step: Callable[[list[Encoded]], tuple[np.ndarray, np.ndarray]],
    backend: Backend,
    batch_size: int | str,
    token_budget: int,
) -> tuple[np.ndarray, np.ndarray | None, int | str, int]:
    """Run `step` over length-bucketed batches; results in input order.

    Returns (probs, hidden, batch_size, token_budget), the last two possibly reduced by
    out-of-memory back-off so the caller can keep them for later calls.
    """
    n = len(items)
    lengths = [item.length for item in items]
    probs = np.zeros((n, 2), dtype=np.float32)
    hidden: np.ndarray | None = None
    pending = plan_batches(lengths, batch_size, token_budget)
    while pending:
        batch = pending.pop(0)
        sub = [lengths[i] for i in batch]
        if len(batch) > 1 and _too_big(sub, batch_size, token_budget):
            pending[:0] = [
                [batch[k] for k in part] for part in plan_batches(sub, batch_size, token_budget)
            ]
            continue
        try:
            p, h = step([items[i] for i in batch])
        except Exception as error:
            if not backend.is_out_of_memory(error) or len(batch) == 1:
                raise
            backend.release_memory()
            if batch_size == "auto":
                token_budget = max(1, min(token_budget, len(batch) * max(sub) // 2))
            else:
                batch_size = max(1, min(int(batch_size), len(batch) // 2))
            pending.insert(0, batch)
            continue
        probs[batch] = p
        if hidden is None:
            hidden = np.zeros((n, h.shape[1]), dtype=np.float32)
        hidden[batch] = h
    return probs, hidden, batch_size, token_budget


def fingerprint_of(parts: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of `parts`."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EngineClassifier:
    """A Classifier made of an `Encoder` (text -> token arrays) and a `Backend` (arrays ->
    probabilities), run by the batching engine.

    Attributes: `weights_sha256` (see `metacompress.models.checkpoints.state_dict_sha256`, or
    the sha256 of the ONNX file), `files` (sha256 of each file read), `max_length`,
    `queries` (inputs run through the model), `batch_size` and `token_budget` (after any
    out-of-memory back-off).
    """

    def __init__(
        self,
        *,
        encoder: Encoder,
        backend: Backend,
        format_name: str,
        settings: dict[str, Any],
        weights_sha256: str,
        files: dict[str, str] | None = None,
        batch_size: int | str = "auto",
        token_budget: int = 16384,
        arity: int | None = None,
        identity: dict[str, Any] | None = None,
    ) -> None:
        self.encoder = encoder
        self.backend = backend
        self.format_name = format_name
        self.settings = dict(settings)
        self.weights_sha256 = weights_sha256
        self.files = dict(files or {})
        self.batch_size = batch_size
        self.token_budget = token_budget
        self.arity = arity
        self.queries = 0
        self.spec_source: Any = None
        self._lock = threading.Lock()
        self._fingerprint = fingerprint_of(
            {
                "format": format_name,
                "settings": self.settings,
                "weights": weights_sha256,
                "encoder": encoder.digest(),
                "dtype": backend.dtype,
                "device": backend.device.split(":", 1)[0],
                "kernels": backend.kernels,
                "identity": dict(identity or {}),
            }
        )

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    @property
    def max_length(self) -> int:
        return self.encoder.max_length

    def __getstate__(self) -> dict[str, Any]:
        """A model loaded from a spec pickles as its spec (torch modules with hooks and ONNX
        sessions do not pickle); unpickling loads it again, in another process too."""
        if self.spec_source is None:
            raise TypeError("only models loaded with load_model can be pickled")
        return {"spec_source": self.spec_source, "queries": self.queries}

    def __setstate__(self, state: dict[str, Any]) -> None:
        from metacompress.models.spec import reload

        fresh = reload(state["spec_source"])
        self.__dict__.update(fresh.__dict__)
        self.queries = state["queries"]

    def predict_proba(self, batch: Sequence[tuple[str, ...]]) -> np.ndarray:
        return self.predict_detailed(batch).probs

    def token_lengths(self, batch: Sequence[tuple[str, ...]]) -> list[int]:
        """The length each input of `batch` has in the batching rule (its longest token row,
        after truncation): what a caller sorts by to hand the engine batches it pads little."""
        return [item.length for item in self.encoder.encode_batch(list(batch))]

    def predict_detailed(
        self, batch: Sequence[tuple[str, ...]], return_hidden: bool = False
    ) -> Prediction:
        batch = list(batch)
        arity = check_batch(batch, f"model ({self.format_name})", self.arity)
        if not batch:
            return Prediction(
                probs=np.zeros((0, 2), dtype=np.float64),
                truncated=np.zeros(0, dtype=bool),
                hidden=None,
                visible_chars=np.zeros((0, arity), dtype=np.int64),
                truncated_inputs=np.zeros((0, arity), dtype=bool),
            )
        items = self.encoder.encode_batch(batch)
        with self._lock:
            self.queries += len(batch)
            batch_size, budget = self.batch_size, self.token_budget
        probs, hidden, batch_size, budget = run_batched(
            items, self._step, self.backend, batch_size, budget
        )
        with self._lock:
            self.batch_size, self.token_budget = batch_size, budget
        return Prediction(
            probs=probs.astype(np.float64),
            truncated=np.array([item.truncated for item in items], dtype=bool),
            hidden=hidden if return_hidden else None,
            visible_chars=np.array([item.visible_chars for item in items], dtype=np.int64),
            truncated_inputs=np.array([item.truncated_inputs for item in items], dtype=bool),
        )

    def _step(self, chunk: list[Encoded]) -> tuple[np.ndarray, np.ndarray]:
        probs, hidden = self.backend.run(self.encoder.collate(chunk))
        if probs.shape != (len(chunk), 2) or not np.all(np.isfinite(probs)):
            raise ConfigError(
                f"model ({self.format_name}) produced probabilities of shape {probs.shape} "
                "or non-finite values"
            )
        return probs, hidden

    def describe(self) -> dict[str, Any]:
        """What a run summary records about this model."""
        return {
            "format": self.format_name,
            "settings": self.settings,
            "fingerprint": self.fingerprint,
            "weights_sha256": self.weights_sha256,
            "tokenizer_sha256": self.encoder.digest(),
            "files": self.files,
            "max_length": self.max_length,
            "device": self.backend.device,
            "dtype": self.backend.dtype,
            "backend": self.backend_info(),
        }

    def backend_info(self) -> dict[str, Any]:
        """How the outputs are computed: backend, kernels and the check that chose them."""
        return self.backend.backend_info()

    def __repr__(self) -> str:
        return f"EngineClassifier(format={self.format_name!r}, fingerprint={self.fingerprint[:12]})"
