import numpy as np
import pytest

from metacompress.models.encoding import Encoded, normalize_whitespace, original_end
from metacompress.models.engine import Backend, plan_batches, run_batched


class FakeBackend(Backend):
    """P(positive) = mean token id / 100; out of memory above `limit` padded tokens."""

    def __init__(self, limit=10**9):
        self.limit = limit
        self.calls = []

    def run(self, arrays):
        ids, mask = arrays["ids"], arrays["mask"]
        self.calls.append(ids.shape)
        if ids.size > self.limit:
            raise MemoryError("out of memory")
        p = (ids * mask).sum(1) / mask.sum(1) / 100.0
        return np.stack([1 - p, p], 1), ids[:, :1].astype(np.float32)


def items_of(lengths):
    return [
        Encoded(
            rows=(np.full(n, n, dtype=np.int64),), truncated_inputs=(False,), visible_chars=(n,)
        )
        for n in lengths
    ]


def collate(chunk):
    width = max(i.length for i in chunk)
    ids = np.zeros((len(chunk), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for k, item in enumerate(chunk):
        ids[k, : item.length] = item.rows[0]
        mask[k, : item.length] = 1
    return {"ids": ids, "mask": mask}


def test_plan_sorts_by_length_and_cuts_by_size_or_budget():
    lengths = [5, 1, 9, 3, 7]
    assert plan_batches(lengths, 2, 0) == [[1, 3], [0, 4], [2]]
    assert plan_batches(lengths, "auto", 15) == [[1, 3, 0], [4], [2]]
    assert plan_batches(lengths, "auto", 12) == [[1, 3], [0], [4], [2]]
    assert plan_batches([], 4, 10) == []


def test_results_come_back_in_input_order_with_dynamic_padding():
    lengths = [30, 2, 17, 5, 9, 40, 1]
    backend = FakeBackend()
    items = items_of(lengths)
    probs, hidden, size, _ = run_batched(items, lambda c: backend.run(collate(c)), backend, 3, 100)
    np.testing.assert_allclose(probs[:, 1], np.array(lengths) / 100.0, rtol=1e-6)
    assert hidden[:, 0].tolist() == lengths and size == 3
    assert [shape[1] for shape in backend.calls] == [
        5,
        30,
        40,
    ]  # each batch padded to its own longest


def test_out_of_memory_splits_the_batch_and_remembers():
    lengths = [10] * 8
    backend = FakeBackend(limit=25)
    items = items_of(lengths)
    probs, _, size, _ = run_batched(items, lambda c: backend.run(collate(c)), backend, 8, 100)
    np.testing.assert_allclose(probs[:, 1], 0.1)
    assert size == 2
    _, _, _, budget = run_batched(items, lambda c: backend.run(collate(c)), backend, "auto", 80)
    assert budget < 80
    tiny = FakeBackend(limit=5)
    with pytest.raises(MemoryError):
        run_batched(items_of([10]), lambda c: tiny.run(collate(c)), tiny, 4, 100)


def test_other_errors_are_not_swallowed():
    backend = FakeBackend()

    def step(chunk):
        raise ValueError("broken model")

    with pytest.raises(ValueError, match="broken"):
        run_batched(items_of([3, 4]), step, backend, 2, 100)


def test_whitespace_normalization_maps_back_to_the_original():
    code = "  int\tf ( ) \n\n{ return  1; }  "
    text, origin = normalize_whitespace(code)
    assert text == " ".join(code.split())
    for i, ch in enumerate(text):
        assert code[origin[i]] == ch or (ch == " " and code[origin[i]].isspace())
    assert original_end(origin, len(text)) == code.rindex("}") + 1
    assert original_end(origin, 0) == 0
    empty, origin = normalize_whitespace(" \n ")
    assert empty == "" and origin.size == 0


def test_token_lengths_are_the_lengths_the_batching_rule_sorts_by(make_hf_model, tokenizer):
    from metacompress.models import load_model

    model = load_model(make_hf_model(spec={"format": "transformers", "max_length": 10}))
    codes = ["int a;", "x", " ".join(f"v{i}" for i in range(60)), "return a + b * c;"]
    expected = [min(len(tokenizer(c)["input_ids"]), 10) for c in codes]
    assert model.token_lengths([(c,) for c in codes]) == expected
    assert expected[2] == 10 and len(set(expected)) > 2  # truncation and order both tested
