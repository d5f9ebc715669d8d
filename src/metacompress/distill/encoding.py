"""The one input encoding every teacher and student of `distill/` is trained with.

It is the encoding of the model format `transformers` (see the model spec contract), so a model
trained here sees at training time exactly what the model layer feeds it at test time:

    one input:  tokenizer(code, truncation=True, max_length=L)
    two inputs: tokenizer(code1, code2, truncation="longest_first", max_length=L)

Padding is added per batch (to the longest sequence), never to L. `encode_table` encodes a
data set once into a `TokenTable`, cached on disk when given a folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from metacompress.distill.token_table import TokenTable, encoded_table, tokenizer_key
from metacompress.errors import ConfigError


def encode(tokenizer: Any, batch: Sequence[tuple[str, ...]], max_length: int) -> list[list[int]]:
    """Token ids of each input tuple of `batch` (1 or 2 strings each, all the same arity)."""
    if not batch:
        return []
    arity = {len(inputs) for inputs in batch}
    if len(arity) != 1 or arity.pop() not in (1, 2):
        raise ConfigError("expected every input tuple to hold 1 code string, or every one 2")
    if len(batch[0]) == 1:
        encoded = tokenizer([x[0] for x in batch], truncation=True, max_length=max_length)
    else:
        encoded = tokenizer(
            [x[0] for x in batch],
            [x[1] for x in batch],
            truncation="longest_first",
            max_length=max_length,
        )
    return [list(ids) for ids in encoded["input_ids"]]


def encode_table(
    tokenizer: Any,
    batch: Sequence[tuple[str, ...]],
    max_length: int,
    cache_dir: str | Path | None = None,
) -> TokenTable:
    """`encode(tokenizer, batch, max_length)` as a TokenTable, cached under `cache_dir`."""
    key = tokenizer_key(tokenizer, template="hf", max_length=max_length)
    return encoded_table(lambda part: encode(tokenizer, part, max_length), batch, key, cache_dir)


def pad_batch(sequences: Sequence[Sequence[int]], pad_id: int) -> tuple[Any, Any]:
    """(input_ids, attention_mask) tensors, right-padded with `pad_id` to the longest sequence."""
    import torch

    width = max(len(s) for s in sequences)
    ids = np.full((len(sequences), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(sequences), width), dtype=np.int64)
    for row, seq in enumerate(sequences):
        ids[row, : len(seq)] = seq
        mask[row, : len(seq)] = 1
    return torch.from_numpy(ids), torch.from_numpy(mask)
