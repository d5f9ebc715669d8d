"""Analytic size and FLOPs of a RoBERTa-family sequence classifier, as the methods use them.

Compressor, AVATAR and MORPH all rank candidate students by a closed-form model size (MB at
fp32) and forward FLOPs instead of instantiating them. This module gives both for a
`RobertaForSequenceClassification` with H = hidden size, L = layers, I = intermediate size,
V = vocabulary, A = attention heads, P = max_length + 2 position embeddings (RoBERTa offsets
positions by the padding id), T = token types and s = sequence length.

Parameters (exact; tested against instantiated models):
    embeddings  V*H + P*H + T*H + 2H                       (token, position, type, LayerNorm)
    per layer   4H^2 + 4H      (query, key, value, attention output with biases)
                + 2H*I + I + H (intermediate and output dense layers with biases)
                + 4H           (two LayerNorms)
                + (2P - 1) * H/A   with relative_key / relative_key_query position embeddings
    head        H^2 + H + 2H + 2                             (dense, out_proj to 2 labels)
    size_mb = parameters * 4 / 1e6

FLOPs of one forward pass over s tokens follow the ELECTRA accounting the methods' `flops.py`
uses (a multiply-add counts 2; softmax 5, LayerNorm 5, GELU 8 and dropout 4 FLOPs per element;
embedding lookups count as one-hot products, 2*H*V per token), with two corrections: the
attention LayerNorm costs 5H per token (not 5), and the classification head runs once on `<s>`
(not once per token):
    embeddings  s * (2HV + 2H(s+2) + 2H + 5H + 4H)
    per layer   s * (6H^2 + 3H                  QKV projections
                     + 2Hs + 5sA + 4sA + sA     scores, softmax, dropout, scaling
                     + 2Hs                      weighted values
                     + 2H^2 + H + 4H + H + 5H   output projection, dropout, residual, LayerNorm
                     + 2HI + 8I + I             intermediate with activation
                     + 2HI + H + 4H + H + 5H)   output with dropout, residual, LayerNorm
                + 2Hs^2 (relative_key) or 4Hs^2 (relative_key_query) for the distance scores
    head        2H^2 + H + 8H + 4H + 4H + 2
The matrix-product part (`matmul` in the breakdown) is what torch's FLOP counter reports for a
real forward pass; the rest are the convention's element-wise costs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from metacompress.registry import check_choice, check_range

POSITION_EMBEDDING_TYPES = ("absolute", "relative_key", "relative_key_query")
DROPOUT_FLOPS, LAYER_NORM_FLOPS, ACTIVATION_FLOPS, SOFTMAX_FLOPS = 4, 5, 8, 5
NUM_LABELS = 2


@dataclass(frozen=True)
class StudentArch:
    """The architecture of a RoBERTa-family student (everything that sets its size)."""

    vocab_size: int
    num_layers: int
    hidden_size: int
    intermediate_size: int
    num_heads: int
    max_length: int = 512
    position_embedding_type: str = "absolute"
    type_vocab_size: int = 1

    def __post_init__(self) -> None:
        check_range("vocab_size", self.vocab_size, 6, 10_000_000)
        check_range("num_layers", self.num_layers, 1, 200)
        check_range("hidden_size", self.hidden_size, 1, 100_000)
        check_range("intermediate_size", self.intermediate_size, 1, 1_000_000)
        check_range("num_heads", self.num_heads, 1, self.hidden_size)
        check_range("max_length", self.max_length, 4, 1_000_000)
        check_choice(
            "position_embedding_type", self.position_embedding_type, POSITION_EMBEDDING_TYPES
        )
        if self.hidden_size % self.num_heads:
            from metacompress.errors import ConfigError

            raise ConfigError(
                f"hidden_size must be a multiple of num_heads, got {self.hidden_size} "
                f"and {self.num_heads}"
            )

    @property
    def positions(self) -> int:
        return self.max_length + 2


@dataclass(frozen=True)
class Flops:
    """Forward FLOPs of one sequence, by part; `matmul` is the matrix-product share of all."""

    embeddings: float
    layers: float
    head: float
    matmul: float

    @property
    def total(self) -> float:
        return self.embeddings + self.layers + self.head


def parameter_terms(v: Any, layers: Any, h: Any, i: Any, positions: Any, types: Any = 1) -> Any:
    """Parameter count of an absolute-position student as a polynomial of its dimensions.

    Written with + and * only, so it also builds a z3 expression for constraint solving.
    """
    embeddings = v * h + positions * h + types * h + 2 * h
    layer = 4 * h * h + 4 * h + 2 * h * i + i + h + 4 * h
    head = h * h + h + 2 * h + NUM_LABELS
    return embeddings + layers * layer + head


def parameter_count(arch: StudentArch) -> int:
    """Exact number of parameters of `RobertaForSequenceClassification` with `arch`."""
    total = parameter_terms(
        arch.vocab_size,
        arch.num_layers,
        arch.hidden_size,
        arch.intermediate_size,
        arch.positions,
        arch.type_vocab_size,
    )
    if arch.position_embedding_type != "absolute":
        head_size = arch.hidden_size // arch.num_heads
        total += arch.num_layers * (2 * arch.positions - 1) * head_size
    return int(total)


def size_mb(arch: StudentArch) -> float:
    """Model size in MB at fp32: parameters * 4 bytes / 1e6."""
    return parameter_count(arch) * 4 / 1e6


def flops(arch: StudentArch, seq_len: int | None = None) -> Flops:
    """Forward FLOPs over `seq_len` tokens (default: the student's max_length)."""
    s = arch.max_length if seq_len is None else seq_len
    h, i, a, v = arch.hidden_size, arch.intermediate_size, arch.num_heads, arch.vocab_size
    embeddings = s * (
        2 * h * v + 2 * h * (s + 2) + 2 * h + LAYER_NORM_FLOPS * h + DROPOUT_FLOPS * h
    )
    attention = (
        6 * h * h
        + 3 * h
        + 2 * h * s
        + (SOFTMAX_FLOPS + DROPOUT_FLOPS + 1) * s * a
        + 2 * h * s
        + 2 * h * h
        + h
        + DROPOUT_FLOPS * h
        + h
        + LAYER_NORM_FLOPS * h
    )
    feed_forward = (
        2 * h * i
        + ACTIVATION_FLOPS * i
        + i
        + 2 * h * i
        + h
        + DROPOUT_FLOPS * h
        + h
        + LAYER_NORM_FLOPS * h
    )
    relative = {"absolute": 0, "relative_key": 2, "relative_key_query": 4}
    distance = relative[arch.position_embedding_type] * h * s * s
    layers = arch.num_layers * (s * (attention + feed_forward) + distance)
    head = 2 * h * h + h + ACTIVATION_FLOPS * h + 2 * DROPOUT_FLOPS * h + 2 * h * NUM_LABELS + 2
    layer_matmul = s * (8 * h * h + 4 * h * i) + 4 * h * s * s + distance
    matmul = arch.num_layers * layer_matmul + 2 * h * h + 2 * h * NUM_LABELS
    return Flops(float(embeddings), float(layers), float(head), float(matmul))


def roberta_config(arch: StudentArch, **settings: Any) -> Any:
    """A transformers `RobertaConfig` for `arch` (2 labels, RoBERTa's special-token ids).

    `settings` sets the remaining fields (hidden_act, dropouts, ...).
    """
    from transformers import RobertaConfig

    from metacompress.distill.tokenizer import BOS_ID, EOS_ID, PAD_ID

    return RobertaConfig(
        vocab_size=arch.vocab_size,
        hidden_size=arch.hidden_size,
        num_hidden_layers=arch.num_layers,
        num_attention_heads=arch.num_heads,
        intermediate_size=arch.intermediate_size,
        max_position_embeddings=arch.positions,
        type_vocab_size=arch.type_vocab_size,
        position_embedding_type=arch.position_embedding_type,
        num_labels=NUM_LABELS,
        pad_token_id=PAD_ID,
        bos_token_id=BOS_ID,
        eos_token_id=EOS_ID,
        **settings,
    )


def supported_position_embeddings() -> tuple[str, ...]:
    """Position-embedding types the installed transformers' RoBERTa really implements.

    transformers 5 dropped relative_key / relative_key_query from RoBERTa (the config accepts
    the field, the model ignores it), so the search spaces offer only what a saved student will
    actually compute.
    """
    global _SUPPORTED
    if _SUPPORTED is None:
        from transformers import RobertaModel

        arch = StudentArch(10, 1, 4, 4, 1, max_length=4, position_embedding_type="relative_key")
        model = RobertaModel(roberta_config(arch))
        names = [name for name, _ in model.named_parameters()]
        relative = any("distance_embedding" in name for name in names)
        _SUPPORTED = POSITION_EMBEDDING_TYPES if relative else ("absolute",)
    return _SUPPORTED


_SUPPORTED: tuple[str, ...] | None = None
