"""release_freed_heap gives free pages in the middle of glibc's heap back to the system."""

from __future__ import annotations

import subprocess
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


FIXED_THRESHOLD_CHILD = """
import sys
import numpy as np
from metacompress.distill.memory import fix_mmap_threshold, free_heap_bytes
assert sys.argv[1] == "default" or fix_mmap_threshold(64 * 1024)
before = free_heap_bytes()
blocks = [np.ones(100 * 1024, dtype=np.uint8) for _ in range(500)]
kept = blocks[::50]  # live blocks along the way: a heap could not shrink from its top
del blocks
print(free_heap_bytes() - before)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's heap only")
def test_a_fixed_mmap_threshold_serves_larger_blocks_outside_the_heap():
    if free_heap_bytes() is None:
        pytest.skip("not glibc 2.33 or later")
    # in a child: the threshold holds for the whole process
    grown = {setting: int(subprocess.run([sys.executable, "-c", FIXED_THRESHOLD_CHILD, setting],
                                         capture_output=True, text=True, check=True).stdout)
             for setting in ("default", "fixed")}  # fmt: skip
    assert grown["default"] > BLOCK * 400  # glibc's threshold (128 KiB): freed into the heap
    assert grown["fixed"] < BLOCK * 10  # 64 KiB: each block had its own mapping
