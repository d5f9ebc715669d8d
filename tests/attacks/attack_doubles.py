"""Code snippets and victims shared by the attack tests."""

from __future__ import annotations

import re

import numpy as np

from metacompress.models import CallableClassifier

BUF_CODE = """int sum_buffer(int n, int scale) {
    char buf[16];
    int i, total = 0;
    for (i = 0; i < n; i++) {
        buf[i % 16] = i * scale;
        total += buf[i % 16];
    }
    return total;
}
"""

PLAIN_CODE = """static int add_twice(int a, int b) {
    int c = a + b;
    int d = c * 2;
    return d;
}
"""

LOOP_CODE = """int count_up(int limit) {
    int k, acc = 0;
    for (k = 0; k < limit; k++) {
        acc += k;
    }
    if (acc > 100) {
        acc = 100;
    } else {
        acc = acc + 1;
    }
    return acc;
}
"""

JAVA_A = """public int total(int[] values) {
    int sum = 0;
    for (int buf : values) {
        sum += buf;
    }
    return sum;
}
"""

JAVA_B = """public int accumulate(int[] items) {
    int acc = 0;
    for (int i = 0; i < items.length; i++) {
        acc += items[i];
    }
    return acc;
}
"""

CODE_CORPUS = [BUF_CODE, PLAIN_CODE, LOOP_CODE, JAVA_A, JAVA_B]


def name_detector(name: str, confident: float = 0.9):
    """A batch function: P(positive) = `confident` iff the identifier `name` occurs in the
    first input, else 1 - `confident`."""
    pattern = re.compile(rf"\b{re.escape(name)}\b")

    def fn(batch):
        return np.array(
            [
                [1 - confident, confident] if pattern.search(b[0]) else [confident, 1 - confident]
                for b in batch
            ]
        )

    return fn


class CountingVictim:
    """Records every input tuple asked, per example text, to check budgets and pooling."""

    def __init__(self, fn, name: str = "counting") -> None:
        self.inner = CallableClassifier(fn, name)
        self.calls: list[list[tuple[str, ...]]] = []

    @property
    def fingerprint(self) -> str:
        return self.inner.fingerprint

    def predict_proba(self, batch):
        self.calls.append(list(batch))
        return self.inner.predict_proba(batch)

    @property
    def inputs(self) -> list[tuple[str, ...]]:
        return [inputs for call in self.calls for inputs in call]
