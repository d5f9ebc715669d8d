"""A baseline that queries the victim the way the published ALERT and MHM code does.

The published attack scripts (ALERT, Yang et al., ICSE 2022, which also ships the MHM baseline
of Zhang et al., AAAI 2020) attack one example after another and score every set of candidates
the same way: each candidate becomes a row of token ids padded to the full window (`block_size`),
the rows go into a torch Dataset, a new DataLoader (sequential sampler, `eval_batch_size` rows per
batch) is made for this one call, and the model runs batch by batch on the padded rows. Nothing is
remembered between calls. `PublishedStyleVictim` does exactly that with a model of this package
(its own encoder and torch module, so the probabilities are the model's), and
`published_style(attack)` is the attack run one example at a time without a memo
(`max_active=1, memo=False`). Together they are the "published code" baseline of
`benchmarks/attacks`; the searches make the same decisions as with the engine, so success rates
agree and the time ratio measures the engine alone.

The published scripts use `eval_batch_size` 64 for ALERT and MHM and load their data with
`num_workers` 4; the baseline uses 0 workers, the published code's fastest setting on a CPU.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from metacompress.attacks.base import Attack
from metacompress.errors import ConfigError
from metacompress.models.base import check_batch
from metacompress.models.engine import EngineClassifier
from metacompress.registry import check_range

#: The published scripts' evaluation batch size for ALERT and MHM.
PUBLISHED_BATCH_SIZE = 64


class PublishedStyleVictim:
    """`model` queried as the published code queries it (see the module docstring).

    Fixed padding to `model.max_length`, a fresh DataLoader of `batch_size` rows and
    `num_workers` workers per call, no cache. Same fingerprint as `model`.
    """

    def __init__(
        self, model: EngineClassifier, batch_size: int = PUBLISHED_BATCH_SIZE, num_workers: int = 0
    ) -> None:
        if not isinstance(model, EngineClassifier) or not hasattr(model.backend, "eager_module"):
            raise ConfigError("the published-style baseline needs a torch model of this package")
        check_range("batch_size", batch_size, 1)
        check_range("num_workers", num_workers, 0)
        self.model = model
        self.module = model.backend.eager_module()
        self.batch_size = batch_size
        self.num_workers = num_workers
        self.queries = 0

    @property
    def fingerprint(self) -> str:
        return self.model.fingerprint

    def predict_proba(self, batch: Sequence[tuple[str, ...]]) -> np.ndarray:
        import torch
        from torch.utils.data import DataLoader, SequentialSampler, TensorDataset

        batch = list(batch)
        check_batch(batch, "published-style victim", self.model.arity)
        self.queries += len(batch)
        if not batch:
            return np.zeros((0, 2), dtype=np.float64)
        arrays = self._padded(batch)
        dataset = TensorDataset(*(torch.from_numpy(arrays[name]) for name in arrays))
        loader = DataLoader(
            dataset,
            sampler=SequentialSampler(dataset),
            batch_size=self.batch_size,
            num_workers=self.num_workers,
        )
        device = self.model.backend.device
        out = []
        with torch.inference_mode():
            for tensors in loader:
                inputs = {n: t.to(device) for n, t in zip(arrays, tensors, strict=True)}
                probs, _ = self.module(**inputs)
                out.append(probs.float().cpu().numpy())
        return np.concatenate(out).astype(np.float64)

    def _padded(self, batch: list[tuple[str, ...]]) -> dict[str, Any]:
        """The encoder's arrays with the length axis padded to the window."""
        arrays = self.model.encoder.collate(self.model.encoder.encode_batch(batch))
        width = self.model.max_length
        ids = arrays["input_ids"]
        pad = self.model.encoder.pad_id  # type: ignore[attr-defined]
        extra = width - ids.shape[-1]
        if set(arrays) != {"input_ids", "attention_mask"}:
            raise ConfigError("the published-style baseline takes models with ids and a mask")
        spec = [(0, 0)] * (ids.ndim - 1) + [(0, max(0, extra))]
        return {
            "input_ids": np.pad(ids, spec, constant_values=pad),
            "attention_mask": np.pad(arrays["attention_mask"], spec, constant_values=0),
        }


def published_style(attack: Attack) -> Attack:
    """`attack` run as the published code runs it: one example at a time, no memo."""
    return dataclasses.replace(attack, max_active=1, memo=False)
