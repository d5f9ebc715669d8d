"""Stratified sampling: sizes, label ratio, determinism and file order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from metacompress.data.sampling import allocate, stratified_sample
from metacompress.data.types import Example


def _examples(labels: list[int | None]) -> list[Example]:
    return [Example(str(i), (f"int f{i}() {{}}",), label) for i, label in enumerate(labels)]


def test_largest_remainder_allocation():
    assert allocate({0: 7, 1: 3}, 5) == {0: 4, 1: 1}  # quotas 3.5 / 1.5: tie goes to larger
    assert allocate({0: 1, 1: 1, None: 1}, 2) == {0: 1, 1: 1, None: 0}
    assert allocate({0: 50, 1: 50}, 10) == {0: 5, 1: 5}


def test_sample_keeps_ratio_order_and_is_seeded():
    examples = _examples([1] * 30 + [0] * 70)
    first = stratified_sample(examples, 10, seed=1)
    assert sum(e.label for e in first) == 3 and len(first) == 10
    assert [int(e.id) for e in first] == sorted(int(e.id) for e in first)
    assert stratified_sample(examples, 10, seed=1) == first
    others = {tuple(e.id for e in stratified_sample(examples, 10, seed=s)) for s in range(5)}
    assert len(others) > 1


def test_limit_at_least_n_returns_everything_in_file_order():
    examples = _examples([1, 0, 1])
    assert stratified_sample(examples, 3, seed=5) == examples
    assert stratified_sample(examples, 100, seed=5) == examples
    assert stratified_sample(examples, None, seed=5) == examples


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from([0, 1, None]), min_size=1, max_size=60),
    st.integers(1, 70),
    st.integers(0, 3),
)
def test_each_class_gets_its_quota_within_one(labels, limit, seed):
    examples = _examples(labels)
    sample = stratified_sample(examples, limit, seed)
    assert len(sample) == min(limit, len(examples))
    assert len({e.id for e in sample}) == len(sample)
    if limit < len(examples):
        for label in set(labels):
            quota = limit * labels.count(label) / len(labels)
            got = sum(e.label == label for e in sample)
            assert abs(got - quota) < 1
