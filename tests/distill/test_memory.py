"""release_freed_heap gives free pages in the middle of glibc's heap back to the system."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from metacompress.distill.memory import free_heap_bytes, release_freed_heap

BLOCK = 100 * 1024  # below glibc's initial 128 KiB mmap threshold: served from the heap
BLOCKS = 2000


def resident_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(x for x in status if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's heap only")
def test_free_pages_between_live_blocks_are_given_back():
    if free_heap_bytes() is None:
        pytest.skip("not glibc 2.33 or later")
    blocks = [np.ones(BLOCK, dtype=np.uint8) for _ in range(BLOCKS)]  # touched: resident
    kept = blocks[::50]  # live blocks all along the heap: nothing is free at its top
    del blocks
    held = resident_mb()
    freed = BLOCK * (BLOCKS - len(kept))
    assert free_heap_bytes() >= 0.9 * freed  # the blocks after the last kept one: trimmed
    assert not release_freed_heap(slack_bytes=2 * freed)  # within the slack: kept
    assert resident_mb() > held - 1
    assert release_freed_heap(slack_bytes=freed // 2)
    released = resident_mb()
    assert held - released > 0.5 * BLOCK * BLOCKS / 2**20
    assert all(int(block.sum()) == BLOCK for block in kept)  # live blocks untouched
