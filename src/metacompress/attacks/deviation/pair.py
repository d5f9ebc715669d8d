"""The query engine of the deviation searches: every input scored by the teacher AND the student.

`PairEngine` is the attack engine (`metacompress.attacks.engine.Engine`: pooled rounds, inputs
sorted by length into batches, one memo per run, per-example budgets of unique queries) with a
pair of models as its victim. One query is one unique input scored by both models; its answer
is one row of four probabilities,

    (P_teacher(0), P_teacher(1), P_student(0), P_student(1)),

so a search's budget counts the distinct inputs it asked the pair about, the source included,
and asking about an input again is free for that search.

Window memo: an input is the same model input as a scored one only when *both* models could not
tell them apart, so the characters seen are the larger of the two models' (and a model without
a window sees everything: no window for the pair).
"""

from __future__ import annotations

import numpy as np

from metacompress.attacks.engine import Engine, Inputs
from metacompress.models.base import Classifier, predict

#: Columns of a pair answer: the teacher's two probabilities, then the student's.
TEACHER, STUDENT = slice(0, 2), slice(2, 4)


def split(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(teacher probs, student probs), each (n, 2), of pair answers (n, 4)."""
    rows = np.asarray(rows, dtype=float).reshape(-1, 4)
    return rows[:, TEACHER], rows[:, STUDENT]


class PairEngine(Engine):
    """The attack engine over a teacher and a student (see the module docstring).

    `stats.model_calls` counts pooled pair calls (each runs both models once on one batch),
    `stats.model_inputs` the inputs sent to both.
    """

    columns = 4

    def __init__(
        self,
        teacher: Classifier,
        student: Classifier,
        batch_size: int = 64,
        max_active: int = 256,
        memo: bool = True,
    ) -> None:
        super().__init__(teacher, batch_size, max_active, memo)
        self.student = student

    @property
    def teacher(self) -> Classifier:
        return self.victim

    def _call(self, batch: list[Inputs]) -> tuple[np.ndarray, np.ndarray | None]:
        teacher = predict(self.victim, batch)
        student = predict(self.student, batch)
        rows = []
        for who, prediction in (("teacher", teacher), ("student", student)):
            probs = np.asarray(prediction.probs, dtype=float)
            if probs.shape != (len(batch), 2):
                raise ValueError(
                    f"the {who} returned probabilities of shape {probs.shape}, "
                    f"expected ({len(batch)}, 2)"
                )
            rows.append(probs)
        self.stats.model_calls += 1
        self.stats.model_inputs += len(batch)
        visible = None
        if teacher.visible_chars is not None and student.visible_chars is not None:
            visible = np.maximum(teacher.visible_chars, student.visible_chars)
        return np.hstack(rows), visible
