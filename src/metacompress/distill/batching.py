"""Training batches: shuffled, length-bucketed, reproducible per (seed, epoch).

Rule: the indices 0..n-1 are shuffled by a generator seeded with `seed * 1_000_003 + epoch`;
the shuffled order is cut into pools of `batch_size * pool_batches` indices; each pool is
sorted by sequence length (stable) and cut into batches of `batch_size`; the list of batches
is then shuffled by the same generator. Every index appears exactly once per epoch, as with
plain shuffling, but a batch holds sequences of similar length, so padding to the longest
sequence of the batch (dynamic padding) wastes little. `pool_batches=1` is plain shuffled
batching; `shuffle=False` gives the batches in index order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Batches per sorting pool: large enough that a pool spans the length distribution, small
#: enough that batches of one pool still come from a random part of the data.
POOL_BATCHES = 50


def epoch_batches(
    lengths: Sequence[int] | np.ndarray,
    batch_size: int,
    seed: int,
    epoch: int,
    *,
    pool_batches: int = POOL_BATCHES,
    shuffle: bool = True,
) -> list[list[int]]:
    """The batches (lists of indices into `lengths`) of one epoch, by the rule above."""
    import torch

    n = len(lengths)
    if not shuffle:
        return [list(range(i, min(i + batch_size, n))) for i in range(0, n, batch_size)]
    generator = torch.Generator().manual_seed(seed * 1_000_003 + epoch)
    order = torch.randperm(n, generator=generator).numpy()
    sizes = np.asarray(lengths)
    pool = batch_size * max(1, pool_batches)
    batches: list[list[int]] = []
    for start in range(0, n, pool):
        members = order[start : start + pool]
        if pool_batches > 1:
            members = members[np.argsort(sizes[members], kind="stable")]
        batches.extend(
            members[i : i + batch_size].tolist() for i in range(0, len(members), batch_size)
        )
    shuffled = torch.randperm(len(batches), generator=generator).tolist()
    return [batches[i] for i in shuffled]


def padded_tokens(batches: Sequence[Sequence[int]], lengths: Sequence[int] | np.ndarray) -> int:
    """Token positions the batches occupy after dynamic padding (batch size x longest)."""
    sizes = np.asarray(lengths)
    return int(sum(len(b) * int(sizes[b].max()) for b in batches if len(b)))
