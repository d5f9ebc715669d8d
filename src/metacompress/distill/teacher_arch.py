"""The two shapes of a RoBERTa teacher, each trained with the encoding it is tested with.

- `SequenceTeacher` (vulnerability): a `RobertaForSequenceClassification` over
  `tokenizer(code, truncation=True, max_length=L)`, saved as format `transformers`.
- `PairTeacher` (clone): CodeXGLUE's BigCloneBench model, the one the distillation studies
  fine-tune: a `RobertaModel` encodes each method of a pair separately as the block
  `[bos] + tokens(" ".join(code.split()))[:L-2] + [eos]`, and the pair head
  dense(2h -> h), tanh, out_proj(h -> 2) reads the two first-token vectors; saved as format
  `codexglue-clone`. Training encodes every distinct method of a batch once, so a method that
  appears in several pairs of the batch costs one forward pass.

Both share the interface the teacher trainer drives: `encode_codes` (the sequences
pre-training reads, in the model's own encoding), `encoder` (the RoBERTa encoder whose state
pre-training fills), `prepare` (a data set as token tables), `loss_of`, `predict` and `save`.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from metacompress.data.types import Example
from metacompress.distill.checkpoints import Checkpoints
from metacompress.distill.encoding import encode_table, pad_batch
from metacompress.distill.spec import save_classifier, write_spec
from metacompress.distill.token_table import TokenTable, encoded_table, tokenizer_key
from metacompress.distill.training import (
    FitSettings,
    LossOf,
    predict_logits,
    sequence_loss,
    softmax,
)

PREDICT_BATCH = 64


@dataclass
class Prepared:
    """A data set as the model reads it: `lengths` drive batching; `labels` may hold -1."""

    lengths: np.ndarray
    labels: np.ndarray
    parts: dict[str, Any]


def labels_of(examples: Sequence[Example]) -> np.ndarray:
    return np.array([-1 if e.label is None else e.label for e in examples], dtype=np.int64)


def distinct_codes(examples: Sequence[Example]) -> tuple[list[str], np.ndarray]:
    """Each distinct code of `examples` once (first-seen order) and, per example, the
    positions of its inputs in that list: an (n, arity) array."""
    where: dict[str, int] = {}
    for e in examples:
        for code in e.inputs:
            where.setdefault(code, len(where))
    index = np.array([[where[c] for c in e.inputs] for e in examples], dtype=np.int64)
    return list(where), index.reshape(len(examples), -1)


class TeacherArch(abc.ABC):
    """A teacher model with its tokenizer, window and token cache folder."""

    format_name = ""

    def __init__(self, model: Any, tokenizer: Any, max_length: int, cache_dir: Path | None):
        self.model = model
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.cache_dir = cache_dir

    @property
    @abc.abstractmethod
    def encoder(self) -> Any:
        """The RoBERTa encoder (a `RobertaModel`) inside the classifier."""

    @abc.abstractmethod
    def encode_codes(self, codes: Sequence[str]) -> TokenTable:
        """Each code as the model encodes one input (what masked-LM pre-training reads)."""

    @abc.abstractmethod
    def prepare(self, examples: Sequence[Example]) -> Prepared:
        """`examples` encoded for training and prediction."""

    def pretrain(
        self,
        codes: Sequence[str],
        settings: FitSettings,
        mlm_dir: Path,
        checkpoints: Checkpoints,
        init: str | None = None,
    ) -> int:
        """Masked-LM pre-training of the encoder on `codes` (`mlm.pretrain_mlm`); returns the
        number of sequences it trained on."""
        from metacompress.distill.mlm import pretrain_mlm

        table = self.encode_codes(codes)
        state = pretrain_mlm(
            self.encoder.config, self.tokenizer, table, settings, mlm_dir, checkpoints, init
        )
        self.encoder.load_state_dict(state, strict=False)
        return len(table)

    @abc.abstractmethod
    def loss_of(self, data: Prepared, loss_fn: Any) -> LossOf:
        """`loss_of(indices, step)` = loss_fn(logits of those examples, their labels)."""

    @abc.abstractmethod
    def predict(self, data: Prepared) -> np.ndarray:
        """(n, 2) probabilities, column 1 = positive."""

    @abc.abstractmethod
    def save(self, out_dir: Path, task: str) -> Path:
        """Save model, tokenizer and model spec in `out_dir`; returns the spec path."""


class SequenceTeacher(TeacherArch):
    """RobertaForSequenceClassification over the Hugging Face template (format transformers)."""

    format_name = "transformers"

    @classmethod
    def build(cls, config: Any, tokenizer: Any, max_length: int, cache_dir: Path | None):
        from transformers import RobertaForSequenceClassification

        config.num_labels = 2
        return cls(RobertaForSequenceClassification(config), tokenizer, max_length, cache_dir)

    @property
    def encoder(self) -> Any:
        return self.model.roberta

    def encode_codes(self, codes: Sequence[str]) -> TokenTable:
        return encode_table(self.tokenizer, [(c,) for c in codes], self.max_length, self.cache_dir)

    def prepare(self, examples: Sequence[Example]) -> Prepared:
        table = encode_table(
            self.tokenizer, [e.inputs for e in examples], self.max_length, self.cache_dir
        )
        return Prepared(table.lengths, labels_of(examples), {"table": table})

    def loss_of(self, data: Prepared, loss_fn: Any) -> LossOf:
        pad = self.tokenizer.pad_token_id
        return sequence_loss(self.model, data.parts["table"], data.labels, loss_fn, pad)

    def predict(self, data: Prepared) -> np.ndarray:
        logits = predict_logits(self.model, data.parts["table"], self.tokenizer.pad_token_id)
        return softmax(logits)

    def save(self, out_dir: Path, task: str) -> Path:
        return save_classifier(out_dir, self.model, self.tokenizer, task, self.max_length)


def pair_classifier(config: Any) -> Any:
    """CodeXGLUE's clone model with the attribute names its checkpoints use: `encoder` (a
    RobertaModel without pooler) and `classifier` (the pair head)."""
    from torch import nn
    from transformers import RobertaModel

    from metacompress.models.heads import PairHead

    class PairClassifier(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.config = config
            self.encoder = RobertaModel(config, add_pooling_layer=False)
            self.classifier = PairHead(config.hidden_size)

        def embed(self, ids: Any, mask: Any) -> Any:
            return self.encoder(input_ids=ids, attention_mask=mask)[0][:, 0]

        def pair_logits(self, left: Any, right: Any) -> Any:
            import torch

            return self.classifier(torch.cat([left, right], dim=-1))

    return PairClassifier()


class PairTeacher(TeacherArch):
    """CodeXGLUE's BigCloneBench model over per-method blocks (format codexglue-clone)."""

    format_name = "codexglue-clone"

    @classmethod
    def build(cls, config: Any, tokenizer: Any, max_length: int, cache_dir: Path | None):
        return cls(pair_classifier(config), tokenizer, max_length, cache_dir)

    @property
    def encoder(self) -> Any:
        return self.model.encoder

    def _block_encoder(self) -> Any:
        from metacompress.models.encoding import BlockEncoder

        return BlockEncoder(
            self.tokenizer.backend_tokenizer,
            self.max_length,
            arity=1,
            normalize=True,
            source=self.tokenizer,
        )

    def encode_codes(self, codes: Sequence[str]) -> TokenTable:
        encoder = self._block_encoder()
        key = tokenizer_key(self.tokenizer, template="block", max_length=self.max_length)
        return encoded_table(
            lambda part: [item.rows[0] for item in encoder.encode_batch(part)],
            [(c,) for c in codes],
            key,
            self.cache_dir,
        )

    def prepare(self, examples: Sequence[Example]) -> Prepared:
        codes, index = distinct_codes(examples)
        table = self.encode_codes(codes)
        left, right = index[:, 0], index[:, 1]
        lengths = np.maximum(table.lengths[left], table.lengths[right])
        parts = {"table": table, "left": left, "right": right}
        return Prepared(lengths, labels_of(examples), parts)

    def _vectors(self, table: TokenTable, functions: np.ndarray) -> Any:
        ids, mask = pad_batch(table.take(functions), self.tokenizer.pad_token_id)
        return self.model.embed(ids, mask)

    def loss_of(self, data: Prepared, loss_fn: Any) -> LossOf:
        import torch

        table, left, right = data.parts["table"], data.parts["left"], data.parts["right"]
        targets = torch.as_tensor(data.labels)

        def loss_of(index: list[int], _step: int) -> Any:
            functions, inverse = np.unique(
                np.concatenate([left[index], right[index]]), return_inverse=True
            )
            vectors = self._vectors(table, functions)
            k = len(index)
            logits = self.model.pair_logits(vectors[inverse[:k]], vectors[inverse[k:]])
            return loss_fn(logits, targets[index])

        return loss_of

    def predict(self, data: Prepared) -> np.ndarray:
        import torch

        table, left, right = data.parts["table"], data.parts["left"], data.parts["right"]
        self.model.eval()
        order = np.argsort(table.lengths, kind="stable")
        vectors = torch.empty((len(table), self.model.config.hidden_size))
        with torch.inference_mode():
            for start in range(0, len(order), PREDICT_BATCH):
                chunk = order[start : start + PREDICT_BATCH]
                vectors[chunk] = self._vectors(table, chunk)
            logits = self.model.pair_logits(vectors[left], vectors[right])
        return softmax(logits.float().numpy())

    def save(self, out_dir: Path, task: str) -> Path:
        from safetensors.torch import save_file

        out_dir.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().contiguous() for k, v in self.model.state_dict().items()}
        save_file(state, out_dir / "model.safetensors")
        self.model.config.save_pretrained(out_dir)
        self.tokenizer.model_max_length = self.max_length
        self.tokenizer.save_pretrained(out_dir)
        return write_spec(
            out_dir, task, self.max_length, format=self.format_name, normalize_whitespace=True
        )
