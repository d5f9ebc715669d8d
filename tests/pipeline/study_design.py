"""A planted study: a callable teacher and three callable students with designed accuracy,
attack susceptibility and disagreement, run end to end.

Every example is a C function `fN` (its identity: transformations and renaming attacks keep
function names) with locals to rename. A model m is given three sets of examples, drawn once
with exact sizes:
- C_m, the examples it classifies correctly on the clean input (|C_m| = ACCURACY[m] * n);
- F_m within C_m, the examples on which any change of the code flips its answer
  (|F_m| = SUSCEPTIBILITY[m] * |C_m|); on every other example a changed input keeps the
  clean answer.
So on the clean inputs accuracy = ACCURACY[m]; an attack succeeds on exactly the examples of
F_m (the first changed input flips the answer), so ASR = relative drop = SUSCEPTIBILITY[m];
and on a transformed input teacher and student disagree exactly where their answers differ,
which `expected_*` computes from the sets. Answers are confident (0.9 / 0.1).
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from metacompress.data.types import Example
from metacompress.models import CallableClassifier

ACCURACY = {"teacher": 0.9, "compressor": 0.85, "avatar": 0.8, "morph": 0.7}
SUSCEPTIBILITY = {"teacher": 0.2, "compressor": 0.3, "avatar": 0.4, "morph": 0.6}
METHODS = {"compressor": "Compressor", "avatar": "AVATAR", "morph": "MORPH"}
_NAME = re.compile(r"\b(f\d+)\s*\(")


def code(i: int) -> str:
    return (
        f"int f{i}(int count, int limit) {{\n"
        f"    int total = count + {i};\n"
        "    int step = total * limit;\n"
        "    if (step > limit) {\n"
        "        total = total - step;\n"
        "    }\n"
        "    return total;\n"
        "}\n"
    )


def examples(n: int) -> list[Example]:
    return [Example(f"e{i:03d}", (code(i),), i % 2) for i in range(n)]


def _exactly(rng: np.random.Generator, pool: list[int], p: float) -> set[int]:
    chosen = rng.permutation(len(pool))[: round(p * len(pool))]
    return {pool[i] for i in chosen}


class Design:
    """The sets C_m and F_m of every model over n examples (see the module docstring)."""

    def __init__(self, n: int, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.n = n
        self.labels = [i % 2 for i in range(n)]
        self.correct = {m: _exactly(rng, list(range(n)), a) for m, a in ACCURACY.items()}
        self.fragile = {m: _exactly(rng, sorted(self.correct[m]), SUSCEPTIBILITY[m])
                        for m in ACCURACY}  # fmt: skip
        self.originals = {f"f{i}": code(i) for i in range(n)}

    def susceptibility(self, model: str) -> float:
        """|F_m| / |C_m|: the designed share, as drawn (rounded to whole examples)."""
        return len(self.fragile[model]) / len(self.correct[model])

    def answer(self, model: str, i: int, changed: bool) -> int:
        right = i in self.correct[model]
        if changed and i in self.fragile[model]:
            right = not right
        return self.labels[i] if right else 1 - self.labels[i]

    def classifier(self, model: str) -> CallableClassifier:
        def fn(batch: list[tuple[str, ...]]) -> np.ndarray:
            rows = []
            for (text,) in batch:
                name = _NAME.search(text).group(1)
                i = int(name[1:])
                p = 0.9 if self.answer(model, i, text != self.originals[name]) == 1 else 0.1
                rows.append([1 - p, p])
            return np.array(rows)

        digest = hashlib.sha256(repr(sorted(self.correct[model])).encode()).hexdigest()[:12]
        return CallableClassifier(fn, model, fingerprint=f"planted-{model}-{digest}")

    def models(self) -> dict[str, CallableClassifier]:
        return {m: self.classifier(m) for m in ACCURACY}

    def disagreement(self, student: str, changed_examples: list[int]) -> tuple[int, int, int]:
        """(pairs, violated, violated among pairs whose source pair holds) of
        prediction-agreement between teacher and `student` on changed inputs of these examples."""
        violated = induced = held = 0
        for i in changed_examples:
            source_agree = self.answer("teacher", i, False) == self.answer(student, i, False)
            agree = self.answer("teacher", i, True) == self.answer(student, i, True)
            violated += not agree
            if source_agree:
                held += 1
                induced += not agree
        return len(changed_examples), violated, induced if held else 0

    def transfer(self, source: str, target: str) -> float:
        """Transfer rate of `source`'s adversarial inputs to `target`."""
        found = self.fragile[source]
        applicable = [i for i in found if i in self.correct[target]]
        moved = [i for i in applicable if i in self.fragile[target]]
        return len(moved) / len(applicable)
