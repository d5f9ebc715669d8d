"""The ECE gap recovered from planted teacher/student calibration, with covering intervals."""

import numpy as np
import pytest

from metacompress.relations import RELATIONS, OutputPair
from metacompress.relations.rates import set_interval

#: Design: on confidences uniform in [0.7, 0.95], the teacher is right with probability
#: confidence - 0.15 and the student with confidence - 0.05: ECE_T = 0.15, ECE_S = 0.05.
OVER_TEACHER, OVER_STUDENT = 0.15, 0.05
TRUE_GAP = OVER_TEACHER - OVER_STUDENT


def planted(rng: np.random.Generator, n_examples: int = 100, per_example: int = 5):
    n = n_examples * per_example
    ids = np.repeat(np.arange(n_examples), per_example)
    labels = np.repeat(rng.integers(0, 2, n_examples), per_example)

    def model(overconfidence: float) -> np.ndarray:
        confidence = rng.uniform(0.7, 0.95, n)
        right = rng.random(n) < confidence - overconfidence
        predicted = np.where(right, labels, 1 - labels)
        p1 = np.where(predicted == 1, confidence, 1 - confidence)
        return np.column_stack([1 - p1, p1])

    teacher, student = model(OVER_TEACHER), model(OVER_STUDENT)
    return OutputPair(teacher, student, teacher, student, labels), ids


def test_planted_ece_gap_is_recovered_and_covered():
    rng = np.random.default_rng(0)
    rel = RELATIONS.create("ece-gap")
    estimates, covered, runs = [], 0, 100
    for sim in range(runs):
        pair, ids = planted(rng)
        value = set_interval(rel, pair, ids, n_boot=200, seed=sim)
        estimates.append(value.estimate)
        covered += value.low <= TRUE_GAP <= value.high
    assert np.mean(estimates) == pytest.approx(TRUE_GAP, abs=0.01)
    assert covered / runs >= 0.90
    pair, _ = planted(rng)
    assert rel.check(pair).set_level["holds"] == 0.0  # a 0.10 gap exceeds the 0.05 default
