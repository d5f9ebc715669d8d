"""Length-bucketed, seeded batches."""

from __future__ import annotations

import numpy as np

from metacompress.distill.batching import epoch_batches, padded_tokens


def test_every_index_once_per_epoch_in_an_order_fixed_by_seed_and_epoch():
    lengths = np.random.default_rng(0).integers(5, 500, size=1003)
    first = epoch_batches(lengths, 16, seed=3, epoch=0)
    assert sorted(i for b in first for i in b) == list(range(1003))
    assert all(len(b) <= 16 for b in first)
    assert epoch_batches(lengths, 16, seed=3, epoch=0) == first
    assert epoch_batches(lengths, 16, seed=3, epoch=1) != first
    assert epoch_batches(lengths, 16, seed=4, epoch=0) != first


def test_buckets_pad_far_less_than_plain_shuffling():
    lengths = np.random.default_rng(1).lognormal(5, 1, size=4000).astype(int) + 3
    bucketed = epoch_batches(lengths, 32, seed=0, epoch=0)
    plain = epoch_batches(lengths, 32, seed=0, epoch=0, pool_batches=1)
    real = int(lengths.sum())
    assert padded_tokens(bucketed, lengths) < 1.5 * real
    assert padded_tokens(bucketed, lengths) < 0.3 * padded_tokens(plain, lengths)
    # A bucket still mixes the data set: batch means spread like the lengths themselves.
    means = [lengths[b].mean() for b in bucketed]
    assert np.std(means) > 0.5 * np.std(lengths)


def test_unshuffled_batches_are_in_index_order():
    assert epoch_batches([3, 1, 2, 5, 4], 2, seed=0, epoch=0, shuffle=False) == [
        [0, 1],
        [2, 3],
        [4],
    ]
