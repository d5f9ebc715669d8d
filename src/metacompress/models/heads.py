"""Torch modules that turn token arrays into (probabilities, pooled hidden) for each head
convention. Attribute names follow the research code's `Model` classes (`encoder`,
`classifier`), so their released state dicts load without renaming.

Head conventions (each one a declared setting of a format, never guessed):
- "softmax": a sequence classifier with 2 logits; P = softmax(logits), the positive class is
  column `positive_column` (1 in Hugging Face models, 0 in Compressor vulnerability students);
- "sigmoid": a sequence classifier with 1 logit; P(positive) = sigmoid(logit[0]) (CodeXGLUE
  Defect-detection, GraphCodeBERT vulnerability teachers);
- "pair": each code of a pair encoded separately; the two first-token vectors are concatenated
  and read by dense(2h -> h), tanh, out_proj(h -> 2); P = softmax, positive class column 1
  (CodeXGLUE BigCloneBench, Compressor clone students).

Every module returns probabilities with column 1 = positive, and as pooled hidden the vector the
classification head reads: the first-token vector (concatenated over the pair for "pair").
"""

from __future__ import annotations

import threading

import torch
from torch import nn

HEADS = ("softmax", "sigmoid", "pair")


def to_positive_last(logits: torch.Tensor, head: str, positive_column: int) -> torch.Tensor:
    """(b, 2) probabilities with column 1 = positive from the head's logits."""
    logits = logits.float()
    if head == "sigmoid":
        p = torch.sigmoid(logits[:, 0])
        return torch.stack([1.0 - p, p], dim=1)
    probs = torch.softmax(logits, dim=-1)
    if positive_column == 1:
        return probs
    return torch.stack([probs[:, 1 - positive_column], probs[:, positive_column]], dim=1)


class PairHead(nn.Module):
    """dense(2h -> h), tanh, out_proj(h -> 2) over two concatenated first-token vectors."""

    def __init__(self, hidden_size: int) -> None:
        super().__init__()
        self.dense = nn.Linear(hidden_size * 2, hidden_size)
        self.out_proj = nn.Linear(hidden_size, 2)

    def forward(self, pooled: torch.Tensor) -> torch.Tensor:
        return self.out_proj(torch.tanh(self.dense(pooled)))


class SequenceModule(nn.Module):
    """A Hugging Face sequence classifier (`encoder`) with a softmax or sigmoid head.

    The pooled hidden vector is the first-token vector of the base model's last layer, taken by a
    forward hook on `encoder.base_model` (asking the model for all hidden states would keep
    every layer's activations until the batch ends).
    """

    def __init__(self, encoder: nn.Module, head: str, positive_column: int = 1) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = head
        self.positive_column = positive_column
        self._first_token: dict[int, torch.Tensor] = {}  # per thread
        encoder.base_model.register_forward_hook(self._keep_first_token)

    def _keep_first_token(self, module: nn.Module, args: object, output: object) -> None:
        states = output[0] if isinstance(output, tuple) else output.last_hidden_state
        self._first_token[threading.get_ident()] = states[:, 0]

    def convention(self) -> dict[str, object]:
        """The head convention (part of the model's fingerprint)."""
        return {"head": self.head, "positive_column": self.positive_column}

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        logits = self.encoder(input_ids=input_ids, attention_mask=attention_mask).logits
        hidden = self._first_token.pop(threading.get_ident())
        return to_positive_last(logits, self.head, self.positive_column), hidden.float()


class PairModule(nn.Module):
    """`encoder` (a RobertaModel) run on each code of a pair, then the pair head."""

    def __init__(self, encoder: nn.Module, hidden_size: int, positive_column: int = 1) -> None:
        super().__init__()
        self.encoder = encoder
        self.classifier = PairHead(hidden_size)
        self.positive_column = positive_column

    def convention(self) -> dict[str, object]:
        """The head convention (part of the model's fingerprint)."""
        return {"head": "pair", "positive_column": self.positive_column}

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        b, rows, length = input_ids.shape
        flat_ids = input_ids.reshape(b * rows, length)
        flat_mask = attention_mask.reshape(b * rows, length)
        states = self.encoder(input_ids=flat_ids, attention_mask=flat_mask)[0]
        pooled = states[:, 0].reshape(b, rows * states.shape[-1])
        logits = self.classifier(pooled)
        return to_positive_last(logits, "softmax", self.positive_column), pooled.float()
