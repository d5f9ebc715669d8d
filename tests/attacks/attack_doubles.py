"""Code snippets and victims shared by the attack tests."""

from __future__ import annotations

from metacompress.models import CallableClassifier
from metacompress.testing.attacks import BUF_CODE, LOOP_CODE, PLAIN_CODE, name_detector

__all__ = ["BUF_CODE", "CODE_CORPUS", "JAVA_A", "JAVA_B", "LOOP_CODE", "PLAIN_CODE",
           "CountingVictim", "name_detector"]  # fmt: skip

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
