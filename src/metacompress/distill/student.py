"""A student configuration: the genes the three searches tune, and what they imply.

The fields are AVATAR's configuration space (tokenizer, vocabulary, layers, hidden size,
activation, dropouts, intermediate size, heads, maximum sequence length, position-embedding
type, learning rate, batch size); Compressor tunes the five architecture genes and keeps the
others at the values of its replication package.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from metacompress.distill.size import (
    POSITION_EMBEDDING_TYPES,
    Flops,
    StudentArch,
    flops,
    parameter_count,
    roberta_config,
)
from metacompress.distill.tokenizer import TOKENIZER_KINDS, TokenizerSpec
from metacompress.registry import check_choice, check_range

HIDDEN_ACTS = ("gelu", "relu", "silu", "gelu_new")


@dataclass(frozen=True)
class StudentConfig:
    """Every setting of a student: tokenizer, architecture and training hyper-parameters."""

    tokenizer: str = "bpe"
    vocab_size: int = 1000
    num_layers: int = 1
    hidden_size: int = 96
    intermediate_size: int = 64
    num_heads: int = 8
    hidden_act: str = "gelu"
    hidden_dropout: float = 0.1
    attention_dropout: float = 0.1
    max_length: int = 512
    position_embedding_type: str = "absolute"
    learning_rate: float = 1e-4
    batch_size: int = 16
    lowercase: bool = True
    nfkd: bool = False

    def __post_init__(self) -> None:
        check_choice("tokenizer", self.tokenizer, TOKENIZER_KINDS)
        check_choice("hidden_act", self.hidden_act, HIDDEN_ACTS)
        check_choice(
            "position_embedding_type", self.position_embedding_type, POSITION_EMBEDDING_TYPES
        )
        check_range("hidden_dropout", self.hidden_dropout, 0.0, 0.9)
        check_range("attention_dropout", self.attention_dropout, 0.0, 0.9)
        check_range("learning_rate", self.learning_rate, 1e-7, 1.0)
        check_range("batch_size", self.batch_size, 1, 4096)
        self.arch()

    def arch(self, vocab_size: int | None = None) -> StudentArch:
        """The architecture, with the tokenizer's real vocabulary size when given."""
        return StudentArch(
            vocab_size=self.vocab_size if vocab_size is None else vocab_size,
            num_layers=self.num_layers,
            hidden_size=self.hidden_size,
            intermediate_size=self.intermediate_size,
            num_heads=self.num_heads,
            max_length=self.max_length,
            position_embedding_type=self.position_embedding_type,
        )

    def tokenizer_spec(self) -> TokenizerSpec:
        return TokenizerSpec(self.tokenizer, self.vocab_size, self.lowercase, self.nfkd)

    def size_mb(self) -> float:
        return parameter_count(self.arch()) * 4 / 1e6

    def flops(self) -> Flops:
        return flops(self.arch())

    def roberta_config(self, vocab_size: int | None = None) -> Any:
        return roberta_config(
            self.arch(vocab_size),
            hidden_act=self.hidden_act,
            hidden_dropout_prob=self.hidden_dropout,
            attention_probs_dropout_prob=self.attention_dropout,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
