"""The built-in synthetic benchmark: labelled C functions and Java method pairs, by construction.

`generate(task, n, seed)` returns `n` examples of "vulnerability" (C functions with and without
a known vulnerability pattern, in counterpart pairs; `vulnerability.py`) or "clone" (Java method
pairs, clones of the four types or not; `clones.py`). Generation is pure Python, seeded (the
same arguments give identical examples) and fast. Labels are correct by construction; every
function compiles and runs with the driver of `harness.py`, which the tests use to check them
with gcc's sanitizers and with javac.
"""

from __future__ import annotations

from metacompress.data.synth.clones import generate_clone
from metacompress.data.synth.harness import c_program, java_program
from metacompress.data.synth.vulnerability import PATTERNS, generate_vulnerability
from metacompress.data.types import TASKS, Example
from metacompress.errors import ConfigError
from metacompress.registry import check_choice

__all__ = ["PATTERNS", "c_program", "generate", "java_program"]


def generate(task: str, n: int, seed: int = 0) -> list[Example]:
    """`n` synthetic examples of `task` ("vulnerability" or "clone"), half of them positive."""
    check_choice("task", task, TASKS)
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ConfigError(f"n must be a non-negative integer, got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ConfigError(f"seed must be an integer, got {seed!r}")
    if task == "vulnerability":
        return generate_vulnerability(n, seed)
    return generate_clone(n, seed)
