"""A planted teacher-student pair: the student departs from its teacher on one known pattern.

The teacher decides by the function's name, which no operator of the search space changes, so
it answers every variant of a source as it answers the source. The student answers like the
teacher, except that every dead branch `if (0)` (what the catalogue's `insert-dead-branch`
inserts) moves its probability of the teacher's label down by `STEP`: it disagrees once
`PLANTED` dead branches are in the code, and on nothing else.
"""

from __future__ import annotations

import re

import numpy as np
from attack_doubles import BUF_CODE, LOOP_CODE, PLAIN_CODE

from metacompress.data.types import Example
from metacompress.models import CallableClassifier

STEP, PLANTED = 0.07, 5
PATTERN = "if (0)"
CONFIDENT = 0.8

SOURCES = {
    "sum_buffer": (1, BUF_CODE),
    "count_up": (0, LOOP_CODE),
    "add_twice": (0, PLAIN_CODE),
    "copy_chars": (
        1,
        """void copy_chars(char *dst, const char *src, int len) {
    int j = 0;
    while (j < len) {
        dst[j] = src[j];
        j++;
    }
    dst[len] = 0;
}
""",
    ),
}

_NAME = re.compile(r"(\w+)\s*\(")


def function_name(code: str) -> str:
    match = _NAME.search(code)
    return match.group(1) if match else ""


def planted_teacher(batch):
    """P(positive) = CONFIDENT for the positive sources' functions, 1 - CONFIDENT otherwise."""
    rows = []
    for inputs in batch:
        p = CONFIDENT if SOURCES.get(function_name(inputs[0]), (0,))[0] == 1 else 1 - CONFIDENT
        rows.append([1 - p, p])
    return np.array(rows)


def planted_student(batch):
    """The teacher, moved towards the other class by STEP per dead branch."""
    rows = planted_teacher(batch)
    for row, inputs in zip(rows, batch, strict=True):
        shift = min(STEP * inputs[0].count(PATTERN), row[int(row[1] > 0.5)])
        label = int(row[1] > 0.5)
        row[label] -= shift
        row[1 - label] += shift
    return rows


def planted_pair() -> tuple[CallableClassifier, CallableClassifier]:
    return (
        CallableClassifier(planted_teacher, "planted-teacher"),
        CallableClassifier(planted_student, "planted-student"),
    )


def planted_examples() -> list[Example]:
    return [Example(name, (code,), label) for name, (label, code) in SOURCES.items()]
