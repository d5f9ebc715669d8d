"""Turning input tuples into token-id features, with truncation reported per input.

An encoder maps a batch of input tuples to `Encoded` items (unpadded token rows, the padded
length used for bucketing, whether an input was cut, how many characters of each input the
model sees) and pads a list of items into arrays (`collate`): dynamic padding to the longest
item of the batch, never to a fixed maximum.

Two templates:
- `HFTemplateEncoder`: the Hugging Face tokenizer call itself, `tokenizer(code,
  truncation=True, max_length=L)` for one input and `tokenizer(code1, code2,
  truncation="longest_first", max_length=L)` for a pair (format `transformers`);
- `BlockEncoder`: the research-code convention: optionally `" ".join(code.split())`, the
  tokens without special tokens cut to L - 2, then `[bos] + ids + [eos]`; a pair is two such
  blocks, one per code, each of at most L tokens (CodeXGLUE, Compressor, AVATAR, MORPH).
"""

from __future__ import annotations

import abc
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from metacompress.errors import ConfigError


@dataclass(frozen=True, eq=False)
class Encoded:
    """One example's features before padding.

    `rows` holds one int64 token-id array per sequence the model runs (one, or two for a pair
    encoded as separate blocks); `extra` holds format-specific arrays; `length` is the longest
    row; `truncated_inputs[j]` says whether input j was cut; `visible_chars[j]` is how many
    leading characters of input j the model sees.
    """

    rows: tuple[np.ndarray, ...]
    truncated_inputs: tuple[bool, ...]
    visible_chars: tuple[int, ...]
    extra: dict[str, Any] | None = None

    @property
    def truncated(self) -> bool:
        return any(self.truncated_inputs)

    @property
    def length(self) -> int:
        return max(len(r) for r in self.rows)


def normalize_whitespace(code: str) -> tuple[str, np.ndarray]:
    """`" ".join(code.split())` and, for each of its characters, the index it came from."""
    words = code.split()
    origin = np.empty(sum(len(w) for w in words) + max(len(words) - 1, 0), dtype=np.int64)
    pos = out = 0
    for k, word in enumerate(words):
        start = code.find(word, pos)
        if k:
            origin[out] = start - 1
            out += 1
        origin[out : out + len(word)] = np.arange(start, start + len(word))
        out += len(word)
        pos = start + len(word)
    return " ".join(words), origin


def original_end(origin: np.ndarray | None, end: int) -> int:
    """The end offset in the original code of a normalized prefix of length `end`."""
    if origin is None or end == 0:
        return end
    return int(origin[end - 1]) + 1


#: Files of a Hugging Face tokenizer folder; any of them can change how code is tokenised.
TOKENIZER_FILES = (
    "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
    "vocab.json", "merges.txt", "vocab.txt", "spiece.model", "tokenizer.model",
    "sentencepiece.bpe.model",
)  # fmt: skip


def tokenizer_files(tokenizer: Any) -> dict[str, str]:
    """sha256 of each of TOKENIZER_FILES in the local folder a Hugging Face tokenizer was loaded
    from, by file name ({} for a tokenizer from the hub cache or built in memory)."""
    from metacompress.models.checkpoints import file_sha256

    folder = Path(str(getattr(tokenizer, "name_or_path", "") or "")).expanduser()
    if not str(folder) or not folder.is_dir():
        return {}
    return {
        name: file_sha256(folder / name) for name in TOKENIZER_FILES if (folder / name).is_file()
    }


def tokenizer_digest(backend: Any, extra: dict[str, Any] | None = None, source: Any = None) -> str:
    """sha256 of a `tokenizers.Tokenizer` (its JSON: vocabulary, merges, normalizer,
    pre-tokenizer, post-processor), any extra settings and, for a Hugging Face tokenizer
    `source` loaded from a folder, its files (`tokenizer_files`)."""
    digest = hashlib.sha256(backend.to_str().encode("utf-8"))
    digest.update(json.dumps(extra or {}, sort_keys=True, default=str).encode("utf-8"))
    if source is not None:
        digest.update(json.dumps(tokenizer_files(source), sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


def save_backend_or_hf(backend: Any, source: Any, folder: Path) -> str:
    """Save a Hugging Face tokenizer (`source`) as a folder, else the bare `backend` as
    folder/tokenizer.json; return the reference relative to the folder's parent."""
    folder.mkdir(parents=True, exist_ok=True)
    if source is not None:
        source.save_pretrained(folder)
        return folder.name
    backend.save(str(folder / "tokenizer.json"))
    return f"{folder.name}/tokenizer.json"


class Encoder(abc.ABC):
    """Encodes input tuples of a fixed arity (or any arity, when `arity` is None)."""

    arity: int | None = None
    max_length: int = 0
    #: Token ids the tokenizer can produce (0 .. vocab_size - 1), added tokens included.
    vocab_size: int = 0

    @abc.abstractmethod
    def encode_batch(self, batch: Sequence[tuple[str, ...]]) -> list[Encoded]:
        """Features of each example, in order."""

    @abc.abstractmethod
    def collate(self, items: Sequence[Encoded]) -> dict[str, np.ndarray]:
        """Arrays for one forward pass, padded to the longest item."""

    @abc.abstractmethod
    def digest(self) -> str:
        """sha256 of the tokenizer and every encoding setting."""

    @abc.abstractmethod
    def input_names(self, arity: int) -> tuple[str, ...]:
        """Names of the arrays `collate` returns, in the order the model takes them."""

    @abc.abstractmethod
    def save_tokenizer(self, folder: Path) -> str:
        """Write the tokenizer under `folder`; return the spec's `tokenizer` value for it,
        relative to the folder's parent."""


def pad_rows(items: Sequence[Encoded], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """(ids, mask) of shape (b, L) for one row per item or (b, r, L) for r rows per item."""
    width = max(item.length for item in items)
    n_rows = len(items[0].rows)
    ids = np.full((len(items), n_rows, width), pad_id, dtype=np.int64)
    mask = np.zeros((len(items), n_rows, width), dtype=np.int64)
    for i, item in enumerate(items):
        for r, row in enumerate(item.rows):
            ids[i, r, : len(row)] = row
            mask[i, r, : len(row)] = 1
    if n_rows == 1:
        return ids[:, 0], mask[:, 0]
    return ids, mask


class HFTemplateEncoder(Encoder):
    """The Hugging Face tokenizer's own template and truncation (format `transformers`)."""

    def __init__(self, tokenizer: Any, max_length: int, arity: int | None = None) -> None:
        backend = getattr(tokenizer, "backend_tokenizer", None)
        if backend is None:
            raise ConfigError(
                f"tokenizer {type(tokenizer).__name__} has no fast (tokenizers) backend; "
                "save it with a tokenizer.json"
            )
        if tokenizer.pad_token_id is None:
            raise ConfigError(f"tokenizer {type(tokenizer).__name__} has no padding token")
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.arity = arity
        self.pad_id = int(tokenizer.pad_token_id)
        self.vocab_size = len(tokenizer)
        self._digest = tokenizer_digest(
            backend,
            {
                "template": "hf",
                "max_length": max_length,
                "special": tokenizer.special_tokens_map,
                "padding_side": tokenizer.padding_side,
                "truncation_side": tokenizer.truncation_side,
            },
            source=tokenizer,
        )

    def digest(self) -> str:
        return self._digest

    def input_names(self, arity: int) -> tuple[str, ...]:
        return ("input_ids", "attention_mask")

    def save_tokenizer(self, folder: Path) -> str:
        self.tokenizer.save_pretrained(folder)
        return folder.name

    def encode_batch(self, batch: Sequence[tuple[str, ...]]) -> list[Encoded]:
        if not batch:
            return []
        arity = len(batch[0])
        if arity == 1:
            result = self.tokenizer(
                [inputs[0] for inputs in batch],
                truncation=True,
                max_length=self.max_length,
                return_offsets_mapping=True,
            )
        elif arity == 2:
            result = self.tokenizer(
                [inputs[0] for inputs in batch],
                [inputs[1] for inputs in batch],
                truncation="longest_first",
                max_length=self.max_length,
                return_offsets_mapping=True,
            )
        else:
            raise ConfigError(f"format 'transformers' takes 1 or 2 inputs, got {arity}")
        items = []
        for inputs, encoding in zip(batch, result.encodings, strict=True):
            ids = np.asarray(encoding.ids, dtype=np.int64)
            cut = tuple(False for _ in inputs)
            visible = tuple(len(x) for x in inputs)
            if encoding.overflowing:
                cut, visible = self._visible(inputs, encoding)
            items.append(Encoded(rows=(ids,), truncated_inputs=cut, visible_chars=visible))
        return items

    def _visible(
        self, inputs: tuple[str, ...], encoding: Any
    ) -> tuple[tuple[bool, ...], tuple[int, ...]]:
        """Which inputs of a truncated encoding lost tokens, and the characters seen of each:
        the end of the last kept token of an input that lost tokens, the whole input
        otherwise. A single input that overflowed is the one that lost tokens; for a pair the
        whole inputs' token counts tell which of the two did."""
        kept = [0] * len(inputs)
        ends = [0] * len(inputs)
        for seq, (_, end) in zip(encoding.sequence_ids, encoding.offsets, strict=True):
            if seq is not None:
                kept[seq] += 1
                ends[seq] = max(ends[seq], end)
        if len(inputs) == 1:
            return (True,), (ends[0],)
        full = self._full_lengths(inputs)
        cut = tuple(kept[j] < full[j] for j in range(len(inputs)))
        return cut, tuple(ends[j] if cut[j] else len(inputs[j]) for j in range(len(inputs)))

    def _full_lengths(self, inputs: tuple[str, ...]) -> list[int]:
        """Token counts of the whole inputs: the backend's truncation, which the last call left
        switched on at this encoder's window, is switched off while counting."""
        backend = self.tokenizer.backend_tokenizer
        saved = backend.truncation
        backend.no_truncation()
        try:
            return [len(backend.encode(text, add_special_tokens=False).ids) for text in inputs]
        finally:
            if saved:
                backend.enable_truncation(**saved)

    def collate(self, items: Sequence[Encoded]) -> dict[str, np.ndarray]:
        ids, mask = pad_rows(items, self.pad_id)
        return {"input_ids": ids, "attention_mask": mask}


class BlockEncoder(Encoder):
    """Research-code blocks: `[bos] + tokens(code)[:L-2] + [eos]`, one block per input.

    `backend` is a `tokenizers.Tokenizer` (a bare JSON file, or the backend of a Hugging Face
    tokenizer `source`); `bos`, `eos`, `pad` name its special tokens; with `normalize` the code is
    first collapsed to single spaces (`" ".join(code.split())`), as CodeXGLUE and Compressor do.
    """

    def __init__(
        self,
        backend: Any,
        max_length: int,
        *,
        arity: int | None,
        normalize: bool = True,
        bos: str = "<s>",
        eos: str = "</s>",
        pad: str = "<pad>",
        source: Any = None,
    ) -> None:
        if max_length < 3:
            raise ConfigError(f"max_length must be at least 3, got {max_length}")
        from tokenizers import Tokenizer

        self.backend = Tokenizer.from_str(backend.to_str())
        self.backend.no_truncation()
        self.backend.no_padding()
        ids = {}
        for role, token in (("bos", bos), ("eos", eos), ("pad", pad)):
            found = self.backend.token_to_id(token)
            if found is None:
                raise ConfigError(f"tokenizer has no {role} token {token!r}")
            ids[role] = int(found)
        self.bos_id, self.eos_id, self.pad_id = ids["bos"], ids["eos"], ids["pad"]
        self.source = source
        self.max_length = max_length
        self.arity = arity
        self.normalize = normalize
        self.vocab_size = self.backend.get_vocab_size(with_added_tokens=True)
        self._digest = tokenizer_digest(
            self.backend,
            {
                "template": "block",
                "max_length": max_length,
                "normalize": normalize,
                "special": [bos, eos, pad],
            },
            source=source,
        )

    def digest(self) -> str:
        return self._digest

    def input_names(self, arity: int) -> tuple[str, ...]:
        return ("input_ids", "attention_mask")

    def save_tokenizer(self, folder: Path) -> str:
        return save_backend_or_hf(self.backend, self.source, folder)

    def encode_batch(self, batch: Sequence[tuple[str, ...]]) -> list[Encoded]:
        texts = [text for inputs in batch for text in inputs]
        prepared = [normalize_whitespace(t) if self.normalize else (t, None) for t in texts]
        encodings = self.backend.encode_batch([p[0] for p in prepared], add_special_tokens=False)
        keep = self.max_length - 2
        rows, visible, cut = [], [], []
        for text, (_, origin), encoding in zip(texts, prepared, encodings, strict=True):
            ids = encoding.ids
            truncated = len(ids) > keep
            rows.append(np.asarray([self.bos_id, *ids[:keep], self.eos_id], dtype=np.int64))
            cut.append(truncated)
            if truncated:
                end = max((e for _, e in encoding.offsets[:keep]), default=0)
                visible.append(original_end(origin, end))
            else:
                visible.append(len(text))
        items, pos = [], 0
        for inputs in batch:
            k = len(inputs)
            items.append(
                Encoded(
                    rows=tuple(rows[pos : pos + k]),
                    truncated_inputs=tuple(cut[pos : pos + k]),
                    visible_chars=tuple(visible[pos : pos + k]),
                )
            )
            pos += k
        return items

    def collate(self, items: Sequence[Encoded]) -> dict[str, np.ndarray]:
        ids, mask = pad_rows(items, self.pad_id)
        return {"input_ids": ids, "attention_mask": mask}
