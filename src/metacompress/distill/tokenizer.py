"""Tokenizer training: byte-level BPE, WordPiece, Unigram and word-level, as the methods use them.

Every tokenizer is trained with the `tokenizers` library on the task's code and wrapped in a
transformers `PreTrainedTokenizerFast`, so `save_pretrained` writes a folder the model layer
loads with `AutoTokenizer`. The special tokens are RoBERTa's, with RoBERTa's ids:
`<s>`=0, `<pad>`=1, `</s>`=2, `<unk>`=3, `<mask>`=4, and the post-processor adds them as RoBERTa
does: `<s> A </s>` for one input and `<s> A </s> </s> B </s>` for a pair.

Normalisation, in order:
- whitespace runs collapse to one space and the ends are stripped (the methods feed
  `" ".join(code.split())` to their tokenizers; doing it inside the tokenizer keeps the encoding
  exactly `tokenizer(code, ...)`);
- `lowercase` (Compressor's released tokenizers and AVATAR's lowercase);
- `nfkd`: NFKD normalisation followed by accent stripping (AVATAR, MORPH).

Pre-tokenisation per kind (AVATAR's replication package): byte-level for BPE, whitespace and
punctuation for WordPiece, Metaspace for Unigram, whitespace and single digits for word-level.

Determinism: the same texts and spec give the same tokenizer in every call and process. The
`tokenizers` trainers of two kinds are not so by themselves (they iterate Rust hash maps, whose
order is randomised per map):
- WordPiece gives the continuation pieces `##c` ids in the order it meets them, and its merges
  break count ties by id, so the vocabulary itself changed from call to call. Every `##c` of
  the texts' characters is therefore declared before training, in sorted order (as extra
  special tokens, which fixes their ids), and dropped from the special tokens afterwards (it
  stays a vocabulary piece);
- Unigram gives each character the texts need but its model dropped a score of
  (lowest score + k * 1e-4), k counting such characters in hash order, and its other scores
  differ in the last bits between calls. So every single character scored below
  lowest + 1e-4 * (number of single-character pieces) gets the lowest score (these are the
  rarest characters; the set is the same whatever the order was), the scores are rounded to
  `UNIGRAM_DECIMALS` decimals, and the pieces after the special tokens are sorted by
  (score descending, piece).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from metacompress.registry import check_choice, check_range

TOKENIZER_KINDS = ("bpe", "wordpiece", "unigram", "word")
SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
BOS_ID, PAD_ID, EOS_ID, UNK_ID, MASK_ID = range(5)
CONTINUATION = "##"
UNIGRAM_DECIMALS = 9
#: Score step the Unigram trainer puts between the characters it adds back (`tokenizers`).
UNIGRAM_CHAR_PENALTY = 1e-4


@dataclass(frozen=True)
class TokenizerSpec:
    """Which tokenizer to train: kind, target vocabulary size and normalisation options."""

    kind: str = "bpe"
    vocab_size: int = 8000
    lowercase: bool = False
    nfkd: bool = False
    min_frequency: int = 2

    def __post_init__(self) -> None:
        check_choice("kind", self.kind, TOKENIZER_KINDS)
        check_range("vocab_size", self.vocab_size, len(SPECIAL_TOKENS) + 1, 1_000_000)
        check_range("min_frequency", self.min_frequency, 1, 1_000_000)


def code_texts(batches: Iterable[Sequence[str]]) -> list[str]:
    """Every code string of a collection of input tuples (both methods of a clone pair)."""
    return [code for inputs in batches for code in inputs]


def _normalizer(spec: TokenizerSpec) -> Any:
    from tokenizers import Regex, normalizers

    steps = [normalizers.Replace(Regex(r"\s+"), " "), normalizers.Strip()]
    if spec.lowercase:
        steps.append(normalizers.Lowercase())
    if spec.nfkd:
        steps.extend([normalizers.NFKD(), normalizers.StripAccents()])
    return normalizers.Sequence(steps)


def _continuation_pieces(texts: Sequence[str], normalizer: Any) -> list[str]:
    """`##c` for every character c of the normalised texts, sorted."""
    chars = set()
    for text in texts:
        chars.update(normalizer.normalize_str(text))
    chars.discard(" ")
    return [CONTINUATION + c for c in sorted(chars)]


def _model_and_trainer(spec: TokenizerSpec, extra: Sequence[str] = ()) -> tuple[Any, Any, Any, Any]:
    from tokenizers import decoders, models, pre_tokenizers, trainers

    special = [*SPECIAL_TOKENS, *extra]
    if spec.kind == "bpe":
        return (
            models.BPE(unk_token="<unk>"),
            pre_tokenizers.ByteLevel(add_prefix_space=False),
            decoders.ByteLevel(),
            trainers.BpeTrainer(
                vocab_size=spec.vocab_size,
                min_frequency=spec.min_frequency,
                initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                special_tokens=special,
                show_progress=False,
            ),
        )
    if spec.kind == "wordpiece":
        return (
            models.WordPiece(unk_token="<unk>", continuing_subword_prefix=CONTINUATION),
            pre_tokenizers.Whitespace(),
            decoders.WordPiece(prefix=CONTINUATION),
            trainers.WordPieceTrainer(
                vocab_size=spec.vocab_size,
                min_frequency=spec.min_frequency,
                special_tokens=special,
                show_progress=False,
            ),
        )
    if spec.kind == "unigram":
        return (
            models.Unigram(),
            pre_tokenizers.Metaspace(),
            decoders.Metaspace(),
            trainers.UnigramTrainer(
                vocab_size=spec.vocab_size,
                special_tokens=special,
                unk_token="<unk>",
                show_progress=False,
            ),
        )
    return (
        models.WordLevel(unk_token="<unk>"),
        pre_tokenizers.Sequence(
            [pre_tokenizers.Whitespace(), pre_tokenizers.Digits(individual_digits=True)]
        ),
        decoders.WordPiece(prefix="##", cleanup=True),
        trainers.WordLevelTrainer(
            vocab_size=spec.vocab_size,
            min_frequency=spec.min_frequency,
            special_tokens=special,
            show_progress=False,
        ),
    )


def train_tokenizer(texts: Sequence[str], spec: TokenizerSpec, max_length: int = 512) -> Any:
    """A `PreTrainedTokenizerFast` of kind `spec.kind` trained on `texts`.

    The vocabulary may come out smaller than `spec.vocab_size` when the texts hold fewer
    distinct pieces; `len(tokenizer)` is the real size, and the student is built with it.
    """
    from tokenizers import Tokenizer, processors
    from transformers import PreTrainedTokenizerFast

    texts = list(texts)
    normalizer = _normalizer(spec)
    extra = _continuation_pieces(texts, normalizer) if spec.kind == "wordpiece" else []
    model, pre_tokenizer, decoder, trainer = _model_and_trainer(spec, extra)
    tokenizer = Tokenizer(model)
    tokenizer.normalizer = normalizer
    tokenizer.pre_tokenizer = pre_tokenizer
    tokenizer.decoder = decoder
    tokenizer.train_from_iterator(texts, trainer=trainer, length=len(texts))
    tokenizer = _canonical(tokenizer)
    for expected, token in enumerate(SPECIAL_TOKENS):
        if tokenizer.token_to_id(token) != expected:
            raise RuntimeError(f"special token {token} got id {tokenizer.token_to_id(token)}")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", BOS_ID), ("</s>", EOS_ID)],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token="<s>",
        eos_token="</s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token="<mask>",
        cls_token="<s>",
        sep_token="</s>",
        model_max_length=max_length,
    )


def _canonical(tokenizer: Any) -> Any:
    """The trained tokenizer with only the real special tokens, and a Unigram vocabulary in
    canonical order with rounded scores (see "Determinism" in the module docstring)."""
    import json

    from tokenizers import Tokenizer

    state = json.loads(tokenizer.to_str())
    state["added_tokens"] = [t for t in state["added_tokens"] if t["content"] in SPECIAL_TOKENS]
    model = state["model"]
    if model["type"] == "Unigram":
        special = model["vocab"][: len(SPECIAL_TOKENS)]
        model["vocab"] = special + _canonical_unigram(model["vocab"][len(special) :])
    return Tokenizer.from_str(json.dumps(state))


def _canonical_unigram(pieces: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Unigram (piece, score) pairs in the canonical order of the module docstring."""
    if not pieces:
        return []
    lowest = min(score for _, score in pieces)
    chars = sum(len(piece) == 1 for piece, _ in pieces)
    band = lowest + UNIGRAM_CHAR_PENALTY * chars + 1e-9
    fixed = [
        [piece, round(lowest if len(piece) == 1 and score < band else score, UNIGRAM_DECIMALS)]
        for piece, score in pieces
    ]
    return sorted(fixed, key=lambda pair: (-pair[1], pair[0]))
