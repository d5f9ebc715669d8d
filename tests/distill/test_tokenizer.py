"""Tokenizer training and the one input encoding."""

from __future__ import annotations

import pytest
from transformers import AutoTokenizer

from metacompress.distill.encoding import encode, pad_batch
from metacompress.distill.tokenizer import (
    SPECIAL_TOKENS,
    TOKENIZER_KINDS,
    TokenizerSpec,
    code_texts,
    train_tokenizer,
)
from metacompress.errors import ConfigError

from .conftest import clone_examples, vulnerability_examples


@pytest.fixture(scope="module")
def texts():
    return code_texts(e.inputs for e in vulnerability_examples(80, 5))


@pytest.mark.parametrize("kind", TOKENIZER_KINDS)
def test_every_kind_trains_with_roberta_special_tokens(kind, texts, tmp_path):
    tokenizer = train_tokenizer(texts, TokenizerSpec(kind, 300), max_length=32)
    assert [tokenizer.convert_tokens_to_ids(t) for t in SPECIAL_TOKENS] == [0, 1, 2, 3, 4]
    assert tokenizer.pad_token_id == 1 and tokenizer.mask_token_id == 4
    assert len(tokenizer) <= 300
    ids = tokenizer(texts[0], truncation=True, max_length=32)["input_ids"]
    assert ids[0] == 0 and ids[-1] == 2 and len(ids) <= 32
    assert sum(i == 3 for i in ids) <= 2, "the tokenizer should cover its own training text"
    tokenizer.save_pretrained(tmp_path)
    reloaded = AutoTokenizer.from_pretrained(tmp_path)
    assert (
        reloaded(texts[1], truncation=True, max_length=32)["input_ids"]
        == tokenizer(texts[1], truncation=True, max_length=32)["input_ids"]
    )


def test_pairs_use_roberta_template_and_longest_first_truncation():
    pair = clone_examples(4, 1)[0].inputs
    tokenizer = train_tokenizer(code_texts([pair] * 5), TokenizerSpec("bpe", 400), 64)
    ids = encode(tokenizer, [pair], 24)[0]
    assert len(ids) == 24
    assert ids[0] == 0 and ids[-1] == 2
    assert [i for i, t in enumerate(ids) if t == 2][:2] == [ids.index(2), ids.index(2) + 1]
    full = encode(tokenizer, [pair], 10_000)[0]
    assert len(full) > 24


def test_whitespace_runs_are_normalised_and_options_apply():
    base = ["int Foo(int Bar) { return Bar; }"] * 20
    plain = train_tokenizer(base, TokenizerSpec("word", 100), 64)
    assert plain("int Foo(int  Bar)\n\n{")["input_ids"] == plain("int Foo(int Bar) {")["input_ids"]
    lower = train_tokenizer(base, TokenizerSpec("word", 100, lowercase=True), 64)
    assert lower("FOO")["input_ids"] == lower("foo")["input_ids"]
    assert plain("FOO")["input_ids"] != plain("Foo")["input_ids"]
    nfkd = train_tokenizer(["café résumé"] * 20, TokenizerSpec("word", 100, nfkd=True), 16)
    assert nfkd("cafe")["input_ids"] == nfkd("café")["input_ids"]


def test_encode_refuses_mixed_arity_and_pads_batches():
    tokenizer = train_tokenizer(["a b c"] * 10, TokenizerSpec("word", 50), 8)
    with pytest.raises(ConfigError):
        encode(tokenizer, [("a",), ("a", "b")], 8)
    assert encode(tokenizer, [], 8) == []
    ids, mask = pad_batch([[0, 5, 2], [0, 2]], pad_id=1)
    assert ids.tolist() == [[0, 5, 2], [0, 2, 1]]
    assert mask.tolist() == [[1, 1, 1], [1, 1, 0]]


def test_spec_validation():
    with pytest.raises(ConfigError, match="kind"):
        TokenizerSpec("sentencepiece")
    with pytest.raises(ConfigError, match="vocab_size"):
        TokenizerSpec("bpe", 3)


@pytest.mark.parametrize("kind", TOKENIZER_KINDS)
@pytest.mark.parametrize("vocab_size", [120, 300])
def test_the_same_texts_give_the_same_tokenizer_every_time(kind, vocab_size, texts):
    # WordPiece's ids and merges and Unigram's scores followed Rust hash-map order: a resumed
    # run got another student vocabulary than an uninterrupted one
    spec = TokenizerSpec(kind, vocab_size, lowercase=True, nfkd=True)
    made = [train_tokenizer(texts, spec) for _ in range(4)]
    assert len({t.backend_tokenizer.to_str() for t in made}) == 1
    assert made[0].all_special_tokens == made[-1].all_special_tokens
    assert sorted(made[0].all_special_tokens) == sorted(SPECIAL_TOKENS)


def test_wordpiece_continuation_pieces_stay_ordinary_pieces(texts):
    tokenizer = train_tokenizer(texts, TokenizerSpec("wordpiece", 200))
    assert "a" in tokenizer.tokenize("int a##b;") and "##" not in "".join(
        tokenizer.all_special_tokens
    )
    assert tokenizer.decode(tokenizer("int foo_bar")["input_ids"], skip_special_tokens=True) == (
        "int foo_bar"
    )
