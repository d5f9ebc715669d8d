"""Token tables and their on-disk cache."""

from __future__ import annotations

import numpy as np

from metacompress.distill.encoding import encode, encode_table
from metacompress.distill.token_table import TokenTable, encoded_table, tokenizer_key
from metacompress.distill.tokenizer import TokenizerSpec, train_tokenizer

from .conftest import vulnerability_examples


def test_table_holds_the_sequences_and_concatenates():
    table = TokenTable.from_sequences([[1, 2, 3], [], [7]])
    assert [t.tolist() for t in table] == [[1, 2, 3], [], [7]]
    assert table.lengths.tolist() == [3, 0, 1]
    both = TokenTable.concat([table, TokenTable.from_sequences([[9, 9]])])
    assert [t.tolist() for t in both] == [[1, 2, 3], [], [7], [9, 9]]
    assert table.ids.dtype == np.int32


def test_cache_encodes_once_per_key_and_inputs(tmp_path):
    calls = []

    def fake_encode(batch):
        calls.append(len(batch))
        return [[len(x[0])] * 2 for x in batch]

    inputs = [("ab",), ("cde",)]
    first = encoded_table(fake_encode, inputs, "k1", tmp_path)
    again = encoded_table(fake_encode, inputs, "k1", tmp_path)
    assert calls == [2]
    assert [t.tolist() for t in again] == [t.tolist() for t in first] == [[2, 2], [3, 3]]
    encoded_table(fake_encode, inputs, "k2", tmp_path)
    encoded_table(fake_encode, [("ab",), ("cdf",)], "k1", tmp_path)
    assert calls == [2, 2, 2]
    assert len(list(tmp_path.glob("tokens-*.npz"))) == 3


def test_encode_table_equals_encode_and_its_key_ignores_truncation_state(tmp_path):
    codes = [e.inputs for e in vulnerability_examples(20, 0)]
    tokenizer = train_tokenizer([c[0] for c in codes], TokenizerSpec("bpe", 300))
    key = tokenizer_key(tokenizer, max_length=32)
    table = encode_table(tokenizer, codes, 32, tmp_path)
    assert [t.tolist() for t in table] == encode(tokenizer, codes, 32)
    assert tokenizer_key(tokenizer, max_length=32) == key
    assert tokenizer_key(tokenizer, max_length=33) != key
