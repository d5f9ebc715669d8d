"""Keep a training process's resident memory at what it uses (glibc's heap on Linux).

Training with dynamic padding allocates tensors of a new shape at almost every step. glibc
serves a freed block of up to its mmap threshold from the heap, and raises that threshold (up
to 32 MiB) each time a larger mmap-ed block is freed; heap blocks of ever-changing sizes
fragment, and the free pages between live blocks stay resident, so the process's resident size
grows from step to step (measured: a 2-layer masked LM on batches of 32 x 16..256 tokens grew
from 0.75 GB to 1.8 GB in 100 steps).

`release_freed_heap`, called after every optimisation step, gives every free page of the heap
back to the system (`malloc_trim(0)`, which since glibc 2.8 also releases whole free pages in
the middle of the heap) once more than `SLACK_BYTES` of it are free, so what the steps leave
free cannot pile up; the heap keeps glibc's own thresholds, so tensors of repeated sizes are
still served from it, and a model whose steps free less than the slack never pays for the
page faults of a trimmed heap. Measured on the cpu budget's Devign teacher (masked LM, 4
layers x 128, batches of 32 x up to 256 tokens, 120 steps, one thread, the four settings at
once; `benchmarks/distill/heap_release.py`), CPU seconds and resident sizes (MB; 476-493 when
training started), all with the same losses:

| setting | user s | system s | peak MB | at the end MB |
|---|---:|---:|---:|---:|
| glibc's defaults | 131.9 | 24.7 | 2,907 | 2,527 (2,217 peak after 60 steps: growing) |
| released above 256 MiB free (this) | 135.0 | 57.6 | 1,611 | 603 |
| released after every step | 135.3 | 59.3 | 1,611 | 596 |
| mmap threshold fixed at 64 KiB (until 2026-12-02) | 134.9 | 88.2 | 1,459 | 625 |

Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache
from typing import Any

#: Free heap bytes tolerated between steps before the heap is given back.
SLACK_BYTES = 256 * 2**20
M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter

_MALLINFO2_FIELDS = ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
                     "uordblks", "fordblks", "keepcost")  # fmt: skip


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in _MALLINFO2_FIELDS]


@cache
def _glibc() -> Any:
    """glibc with `malloc_trim` and `mallinfo2` typed, or None where it is not there."""
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        libc.malloc_trim.restype = ctypes.c_int
        libc.mallinfo2.argtypes = []
        libc.mallinfo2.restype = _MallInfo2
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        libc.mallopt.restype = ctypes.c_int
    except (OSError, AttributeError):  # not glibc, or older than 2.33
        return None
    return libc


def free_heap_bytes() -> int | None:
    """Bytes in free blocks of glibc's heaps (`mallinfo2().fordblks`, all arenas); None where
    glibc is not there."""
    libc = _glibc()
    return None if libc is None else int(libc.mallinfo2().fordblks)


def release_freed_heap(slack_bytes: int = SLACK_BYTES) -> bool:
    """Give the heap's free pages back to the system when more than `slack_bytes` of it are
    free; True when it did."""
    free = free_heap_bytes()
    if free is None or free <= slack_bytes:
        return False
    _glibc().malloc_trim(0)
    return True


def fix_mmap_threshold(size_bytes: int) -> bool:
    """Fix glibc's mmap threshold at `size_bytes` for the whole process (which also ends its
    dynamic adjustment; what training did until 2026-12-02, kept for the benchmarks that
    compare it); True when glibc took it."""
    libc = _glibc()
    return libc is not None and libc.mallopt(M_MMAP_THRESHOLD, size_bytes) == 1
