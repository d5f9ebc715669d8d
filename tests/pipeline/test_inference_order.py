"""`pipeline.inference.token_sorted`: the order a model's pending inputs are scored in."""

import numpy as np

from metacompress.models import CachedClassifier, CallableClassifier
from metacompress.pipeline.inference import ORDER_BLOCK, token_sorted

#: Inputs in character-length order whose token counts run the other way for half of them.
TEXTS = ["a", "bb", "ccc", "dddd", "eeeee", "ffffff"]
TOKENS = {"a": 4, "bb": 3, "ccc": 1, "dddd": 1, "eeeee": 9, "ffffff": 2}


class Tokenizing(CallableClassifier):
    def __init__(self, fail_on=None):
        super().__init__(lambda batch: np.tile([0.5, 0.5], (len(batch), 1)), "t")
        self.fail_on = fail_on
        self.blocks = []

    def token_lengths(self, batch):
        self.blocks.append(len(batch))
        if any(inputs[0] == self.fail_on for inputs in batch):
            raise ValueError("the tokenizer rejects this input")
        return [TOKENS[inputs[0]] for inputs in batch]


def read(rowids):
    return [(TEXTS[i],) for i in rowids]


def test_pending_inputs_are_sorted_stably_by_the_models_token_lengths():
    rowids = np.arange(len(TEXTS))
    order = token_sorted(CachedClassifier(Tokenizing()), rowids, read)
    assert [TEXTS[i] for i in order] == ["ccc", "dddd", "ffffff", "bb", "a", "eeeee"]


def test_a_model_without_token_lengths_or_a_failing_tokenizer_keeps_the_character_order():
    rowids = np.arange(len(TEXTS))
    plain = CallableClassifier(lambda batch: np.tile([0.5, 0.5], (len(batch), 1)), "p")
    assert token_sorted(plain, rowids, read) is rowids
    assert token_sorted(Tokenizing(fail_on="eeeee"), rowids, read) is rowids


def test_the_inputs_are_tokenized_a_block_at_a_time():
    rowids = np.arange(2 * ORDER_BLOCK + 5) % len(TEXTS)
    model = Tokenizing()
    order = token_sorted(model, rowids, read)
    assert model.blocks == [ORDER_BLOCK, ORDER_BLOCK, 5]
    lengths = [TOKENS[TEXTS[i]] for i in order]
    assert lengths == sorted(lengths) and sorted(order.tolist()) == sorted(rowids.tolist())
