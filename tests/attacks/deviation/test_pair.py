"""The pair engine: one query scores an input with both models, budgets count unique inputs."""

from __future__ import annotations

import numpy as np
import pytest

from metacompress.attacks.deviation.pair import PairEngine, split
from metacompress.attacks.engine import Budget
from metacompress.models import Prediction


class Recording:
    def __init__(self, p: float, visible: int | None = None) -> None:
        self.p, self.visible, self.batches = p, visible, []

    @property
    def fingerprint(self) -> str:
        return f"recording-{self.p}"

    def predict_proba(self, batch):
        return self.predict_detailed(batch).probs

    def predict_detailed(self, batch, return_hidden=False):
        self.batches.append(list(batch))
        probs = np.array([[1 - self.p, self.p]] * len(batch))
        visible = None
        if self.visible is not None:
            visible = np.array([[min(self.visible, len(b[0]))] for b in batch])
        return Prediction(probs, np.zeros(len(batch), dtype=bool), visible_chars=visible)


def asking(requests):
    answers = []
    for request in requests:
        answers.append((yield request))
    from metacompress.attacks.engine import Outcome

    return Outcome("failed", "done", probs=np.concatenate(answers))


def test_rows_hold_the_teacher_then_the_student():
    engine = PairEngine(Recording(0.9), Recording(0.2))
    rows = engine.score([("a",), ("b",)])
    assert rows.shape == (2, 4)
    teacher, student = split(rows)
    assert teacher[:, 1] == pytest.approx([0.9, 0.9]) and student[:, 1] == pytest.approx([0.2, 0.2])


def test_one_query_is_one_unique_input_scored_by_both_models():
    teacher, student = Recording(0.9), Recording(0.2)
    engine = PairEngine(teacher, student, batch_size=2)
    budgets = [Budget(3), Budget(3)]
    searches = [asking([[("x",), ("y",)], [("x",), ("z",)]]), asking([[("y",), ("w",)]])]
    outcomes = engine.run(list(zip(budgets, searches, strict=True)))
    assert [b.queries for b in budgets] == [3, 2]
    assert outcomes[0].probs.shape == (4, 4)
    for model in (teacher, student):
        asked = [inputs for batch in model.batches for inputs in batch]
        assert sorted(asked) == [("w",), ("x",), ("y",), ("z",)]
    assert engine.stats.model_inputs == 4 and engine.stats.memo_hits == 2


def test_the_budget_cuts_a_request_short():
    engine = PairEngine(Recording(0.9), Recording(0.2))
    budget = Budget(2)
    (outcome,) = engine.run([(budget, asking([[("a",), ("b",), ("c",)]]))])
    assert budget.queries == 2 and len(outcome.probs) == 2


def test_the_window_memo_needs_both_models_blind_to_the_edit():
    long_text = "x" * 400
    edited = long_text[:-10] + "y" * 10
    both = PairEngine(Recording(0.9, visible=100), Recording(0.2, visible=200))
    both.run([(Budget(5), asking([[(long_text,)], [(edited,)]]))])
    assert both.stats.window_hits == 1
    seeing = PairEngine(Recording(0.9, visible=100), Recording(0.2))
    seeing.run([(Budget(5), asking([[(long_text,)], [(edited,)]]))])
    assert seeing.stats.window_hits == 0 and seeing.stats.model_inputs == 2


class ThreeClasses(Recording):
    def predict_detailed(self, batch, return_hidden=False):
        return Prediction(np.full((len(batch), 3), 1 / 3), np.zeros(len(batch), dtype=bool))


def test_a_wrong_shape_names_the_model():
    engine = PairEngine(Recording(0.9), ThreeClasses(0.5))
    with pytest.raises(ValueError, match=r"the student returned probabilities of shape \(1, 3\)"):
        engine.score([("a",)])
