"""The published search spaces of the three methods.

Compressor (`searcher.py`): vocabulary 1,000-50,000 by 1,000; heads in {1, 2, 4, 8}; hidden
size 16-768 by 16; intermediate size 32-3,040 by 32; layers 1-12. The other settings are those
its students were trained with: byte-level BPE with lowercasing, GELU, hidden dropout 0.5,
attention dropout 0.1, learning rate 1e-4, batch size 16.

AVATAR and MORPH (`MOO.py` bounds): tokenizer in {BPE, WordPiece, Unigram, word}; vocabulary
1,000-46,000 (by 1,000, the grid of AVATAR's solver); layers 1-12; hidden size 16-256;
activation in {gelu, relu, silu, gelu_new}; hidden and attention dropout 0.2-0.5 by 0.1;
intermediate size 32-3,072; heads 1-12; maximum sequence length 256-512 (by 16); position
embeddings in {absolute, relative_key, relative_key_query} (restricted to the types the
installed transformers implements); learning rate in {1e-3, 1e-4, 5e-5}; batch size in {8, 16}.
Their tokenizers lowercase and apply NFKD. A short budget may fix the learning rate instead
(`Budget.learning_rate`): a student trained for a few hundred steps at 5e-5 or 1e-4 stays at
chance, and a search whose samples all score chance cannot tell the rates apart.

The vocabulary is capped, per tokenizer kind, at the largest vocabulary that kind reaches on the
task's code, so the size a candidate is ranked by is the size of the student that gets built.
"""

from __future__ import annotations

from metacompress.distill.search.space import Gene, SearchSpace
from metacompress.distill.size import supported_position_embeddings
from metacompress.distill.tokenizer import TokenizerSpec

AVATAR_TOKENIZERS = ("bpe", "wordpiece", "unigram", "word")
PUBLISHED_LEARNING_RATE = 1e-4
COMPRESSOR_TOKENIZER = TokenizerSpec("bpe", 50000, lowercase=True)
#: The largest vocabulary each searched tokenizer can ask for, with the methods' normalisation.
AVATAR_CEILINGS = tuple(
    TokenizerSpec(kind, 46000, lowercase=True, nfkd=True) for kind in AVATAR_TOKENIZERS
)


def compressor_space(
    vocab_caps: dict[str, int],
    max_length: int,
    learning_rate: float = PUBLISHED_LEARNING_RATE,
    hidden_dropout: float = 0.5,
) -> SearchSpace:
    """Compressor's space; `learning_rate` and `hidden_dropout` replace the published values."""
    genes = (
        Gene("vocab_size", 1000, 50000, 1000).capped(vocab_caps["bpe"]),
        Gene("num_heads", choices=(1, 2, 4, 8)),
        Gene("hidden_size", 16, 768, 16),
        Gene("intermediate_size", 32, 3040, 32),
        Gene("num_layers", 1, 12, 1),
    )
    fixed = (
        ("tokenizer", "bpe"),
        ("lowercase", True),
        ("nfkd", False),
        ("hidden_act", "gelu"),
        ("hidden_dropout", hidden_dropout),
        ("attention_dropout", 0.1),
        ("learning_rate", learning_rate),
        ("batch_size", 16),
        ("max_length", max_length),
    )
    return SearchSpace(genes, fixed, tuple(vocab_caps.items()))


def avatar_space(
    vocab_caps: dict[str, int],
    max_length_range: tuple[int, int],
    learning_rate: float | None = None,
) -> SearchSpace:
    """AVATAR's and MORPH's space; `learning_rate` fixes the rate instead of searching it."""
    low, high = max_length_range
    genes = (
        Gene("tokenizer", choices=tuple(AVATAR_TOKENIZERS)),
        Gene("vocab_size", 1000, 46000, 1000).capped(max(vocab_caps.values())),
        Gene("num_layers", 1, 12, 1),
        Gene("hidden_size", 16, 256, 1),
        Gene("hidden_act", choices=("gelu", "relu", "silu", "gelu_new")),
        Gene("hidden_dropout", 0.2, 0.5, 0.1),
        Gene("intermediate_size", 32, 3072, 1),
        Gene("num_heads", 1, 12, 1),
        Gene("attention_dropout", 0.2, 0.5, 0.1),
        Gene("max_length", low, high, 16),
        Gene("position_embedding_type", choices=supported_position_embeddings()),
        Gene("learning_rate", choices=(1e-3, 1e-4, 5e-5)),
        Gene("batch_size", choices=(8, 16)),
    )
    fixed: tuple[tuple[str, object], ...] = (("lowercase", True), ("nfkd", True))
    if learning_rate is not None:
        genes = tuple(g for g in genes if g.name != "learning_rate")
        fixed += (("learning_rate", learning_rate),)
    return SearchSpace(genes, fixed, tuple(vocab_caps.items()))
