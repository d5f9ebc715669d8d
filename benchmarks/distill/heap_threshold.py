"""CPU time and peak memory of distillation training with and without the fixed glibc mmap
threshold of `distill.memory.limit_heap_growth`.

Runs `metacompress reproduce --budget demo` (both tasks, both teachers) in this process up to
the end of the first student stage, on one torch thread, and prints user and system CPU
seconds and the peak resident size. The per-stage CPU seconds are in OUT/reproduce.json.

    OMP_NUM_THREADS=1 python benchmarks/distill/heap_threshold.py 65536 OUT_A   # the fix
    OMP_NUM_THREADS=1 python benchmarks/distill/heap_threshold.py 0 OUT_B       # glibc default

A threshold of 0 leaves glibc's dynamic threshold alone; any other value fixes it there.
"""

from __future__ import annotations

import contextlib
import resource
import sys
import time

import torch

import metacompress.distill.memory as memory
import metacompress.distill.training as training
from metacompress.workflows.reproduce import run_reproduce


class FirstStudentDone(Exception):
    """Raised after the first student stage is recorded, to end the measurement there."""


def stop_after_first_student(name: str) -> None:
    if name.startswith("student"):
        raise FirstStudentDone


def main(threshold: int, out: str) -> None:
    torch.set_num_threads(1)
    if threshold == 0:
        training.limit_heap_growth = lambda: False
    else:
        memory.MMAP_THRESHOLD_BYTES = threshold
    started = time.time()
    with contextlib.suppress(FirstStudentDone):
        run_reproduce(out, budget="demo", quiet=True, on_stage_done=stop_after_first_student)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"threshold={threshold} wall_s={time.time() - started:.0f} user_s={usage.ru_utime:.0f} "
          f"sys_s={usage.ru_stime:.0f} peak_rss_mb={usage.ru_maxrss / 1024:.0f}")  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
