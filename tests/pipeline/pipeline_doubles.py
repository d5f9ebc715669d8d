"""Test doubles for the pipeline tests: tiny C examples, callable teachers and students.

The teacher's P(vulnerable) is a deterministic function of the exact code text (a hash), in
[0.02, 0.98] and never 0.5, so transformations move it around the way a real model's output
moves. `flipping_student(subset)` equals the teacher except on the examples whose function name
is in `subset` (transformations never rename functions), where it swaps the two classes.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from metacompress.data.types import Example
from metacompress.models import CallableClassifier

BOOM = "BOOM"
#: The follow-ups of most test runs.
FOLLOWUPS = ["rename-locals", "for-to-while", "insert-unused-variable", {"combine": 2}]
_NAME = re.compile(r"\b(f\d+)\s*\(")


def example_code(i: int) -> str:
    return (
        f"int f{i}(int a, int b) {{\n"
        f"    int x = a + {i};\n"
        "    int y = x * b;\n"
        "    for (int k = 0; k < 3; k++) {\n"
        "        y = y + k;\n"
        "    }\n"
        "    return y;\n"
        "}\n"
    )


def examples(n: int = 12) -> list[Example]:
    """n labelled C functions f0 .. f{n-1}, labels alternating."""
    return [Example(f"e{i:03d}", (example_code(i),), i % 2) for i in range(n)]


def p_positive(code: str) -> float:
    return 0.02 + 0.96 * hashlib.sha256(code.encode()).digest()[0] / 255


def teacher_fn(batch: list[tuple[str, ...]]) -> np.ndarray:
    p = np.array([p_positive("\0".join(inputs)) for inputs in batch])
    return np.stack([1 - p, p], axis=1)


def function_name(code: str) -> str | None:
    match = _NAME.search(code)
    return match.group(1) if match else None


def teacher(name: str = "teacher") -> CallableClassifier:
    return CallableClassifier(teacher_fn, name, fingerprint="teacher-v1")


def identical_student() -> CallableClassifier:
    return CallableClassifier(teacher_fn, "student", fingerprint="teacher-v1-copy")


def flipping_student(subset: set[str]) -> CallableClassifier:
    """The teacher, with the classes swapped on functions named in `subset`."""

    def fn(batch: list[tuple[str, ...]]) -> np.ndarray:
        probs = teacher_fn(batch)
        flip = np.array([function_name(inputs[0]) in subset for inputs in batch])
        return np.where(flip[:, None], probs[:, ::-1], probs)

    return CallableClassifier(fn, "student", fingerprint=f"flip-{sorted(subset)}")


def raising_student() -> CallableClassifier:
    """The teacher, except that it raises on any input containing BOOM."""

    def fn(batch: list[tuple[str, ...]]) -> np.ndarray:
        if any(BOOM in text for inputs in batch for text in inputs):
            raise ValueError("cannot score an input with BOOM in it")
        return teacher_fn(batch)

    return CallableClassifier(fn, "student", fingerprint="raising")


def slow(
    model: CallableClassifier, seconds: float, on_call: Callable[[], None] = lambda: None
) -> CallableClassifier:
    """`model`, calling `on_call` and then sleeping `seconds` per call (to widen the window a
    fault can hit)."""

    def fn(batch: list[tuple[str, ...]]) -> np.ndarray:
        on_call()
        time.sleep(seconds)
        return model.fn(batch)

    return CallableClassifier(fn, model.name, fingerprint=model.fingerprint)


def config_dict(out: Path, **overrides: Any) -> dict[str, Any]:
    """The raw config of a test run into `out`, with `overrides` applied. The run keeps its
    predictions to itself (cache: run): tests count and kill model calls."""
    raw: dict[str, Any] = {
        "cache": "run",
        "task": "vulnerability",
        "seed": 7,
        "data": {"format": "jsonl", "path": "given-in-the-test.jsonl"},
        "teacher": "teacher-double",
        "student": "student-double",
        "followups": FOLLOWUPS,
        "relations": "all",
        "statistics": {"bootstrap": 50},
        "chunk_size": 5,
        "batch_size": 4,
        "output": str(out),
        "report": [],
    }
    raw.update(overrides)
    return raw
