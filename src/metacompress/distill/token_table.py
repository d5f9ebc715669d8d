"""Token sequences of a data set, encoded once, held as flat int32 arrays and cached on disk.

Tokenising long C and Java functions costs about 2 ms each, and a training run reads every
sequence once per epoch; a `TokenTable` keeps the n sequences of a data set as one flat int32
array plus n + 1 offsets (4 bytes a token, where a Python list of ints costs 36), and
`encoded_table` computes it once per (encoding, inputs) and keeps it as
`cache_dir/tokens-<sha256>.npz`, written atomically, so the stages of a run (masked-LM
pre-training, fine-tuning, evaluation) and a resumed run tokenise nothing twice.

The cache key is the sha256 of `key` (which names the tokenizer and every encoding setting,
see `tokenizer_key`) and of every input string; a different tokenizer, window or data set
gives a different file.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ENCODE_CHUNK = 1024

Encode = Callable[[Sequence[tuple[str, ...]]], Sequence[Sequence[int]]]


class TokenTable:
    """n token sequences: `ids` (flat int32) and `offsets` (n + 1 int64)."""

    def __init__(self, ids: np.ndarray, offsets: np.ndarray) -> None:
        self.ids = np.asarray(ids, dtype=np.int32)
        self.offsets = np.asarray(offsets, dtype=np.int64)

    @classmethod
    def from_sequences(cls, sequences: Sequence[Sequence[int]]) -> TokenTable:
        lengths = np.fromiter((len(s) for s in sequences), dtype=np.int64, count=len(sequences))
        offsets = np.zeros(len(sequences) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        ids = np.empty(int(offsets[-1]), dtype=np.int32)
        for k, seq in enumerate(sequences):
            ids[offsets[k] : offsets[k + 1]] = seq
        return cls(ids, offsets)

    @classmethod
    def concat(cls, tables: Sequence[TokenTable]) -> TokenTable:
        """One table holding the sequences of `tables` in order."""
        ids = np.concatenate([t.ids for t in tables]) if tables else np.zeros(0, np.int32)
        offsets, base = [np.zeros(1, dtype=np.int64)], 0
        for t in tables:
            offsets.append(t.offsets[1:] + base)
            base += int(t.offsets[-1])
        return cls(ids, np.concatenate(offsets))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, index: int) -> np.ndarray:
        return self.ids[self.offsets[index] : self.offsets[index + 1]]

    def __iter__(self) -> Iterator[np.ndarray]:
        return (self[i] for i in range(len(self)))

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def take(self, indices: Sequence[int]) -> list[np.ndarray]:
        return [self[int(i)] for i in indices]


def tokenizer_key(tokenizer: Any, **settings: Any) -> str:
    """A stable description of a tokenizer (its `tokenizers` JSON without the truncation and
    padding state, which calls switch on and off) and of the encoding `settings`."""
    backend = getattr(tokenizer, "backend_tokenizer", tokenizer)
    state = json.loads(backend.to_str())
    state["truncation"] = None
    state["padding"] = None
    digest = hashlib.sha256(json.dumps(state, sort_keys=True).encode("utf-8"))
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode("utf-8"))
    return digest.hexdigest()


def inputs_digest(key: str, inputs: Sequence[tuple[str, ...]]) -> str:
    """sha256 of `key` and every string of `inputs` (lengths included, so no two differ
    only by where one string ends)."""
    digest = hashlib.sha256(key.encode("utf-8"))
    for item in inputs:
        digest.update(len(item).to_bytes(2, "little"))
        for text in item:
            data = text.encode("utf-8", "surrogatepass")
            digest.update(len(data).to_bytes(8, "little"))
            digest.update(data)
    return digest.hexdigest()


def encoded_table(
    encode: Encode,
    inputs: Sequence[tuple[str, ...]],
    key: str,
    cache_dir: str | Path | None = None,
) -> TokenTable:
    """`encode(inputs)` as a TokenTable, read from / written to `cache_dir` when given."""
    path = None
    if cache_dir is not None:
        path = Path(cache_dir) / f"tokens-{inputs_digest(key, inputs)[:32]}.npz"
        if path.is_file():
            with np.load(path) as saved:
                return TokenTable(saved["ids"], saved["offsets"])
    tables = [
        TokenTable.from_sequences(encode(inputs[i : i + ENCODE_CHUNK]))
        for i in range(0, len(inputs), ENCODE_CHUNK)
    ]
    table = TokenTable.concat(tables)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(partial, ids=table.ids, offsets=table.offsets)
        os.replace(partial, path)
    return table
