"""Builders of teacher/student outputs for the relation tests."""

from __future__ import annotations

import numpy as np
import pytest

from metacompress.relations.base import OutputPair


def binary(p1) -> np.ndarray:
    """(n, 2) probabilities from the positive-class probabilities p1."""
    p1 = np.asarray(p1, dtype=float)
    return np.column_stack([1 - p1, p1])


def random_pair(seed: int, n: int = 30, hidden: bool = True, identical: bool = False) -> OutputPair:
    """Random outputs; `identical`: the student's outputs and representations are the teacher's."""
    rng = np.random.default_rng(seed)
    t_src, t_fu = binary(rng.random(n)), binary(rng.random(n))
    s_src, s_fu = (t_src, t_fu) if identical else (binary(rng.random(n)), binary(rng.random(n)))
    reps = {}
    if hidden:
        t_hs, t_hf = rng.normal(size=(n, 6)), rng.normal(size=(n, 6))
        s_hs, s_hf = (
            (t_hs, t_hf) if identical else (rng.normal(size=(n, 4)), rng.normal(size=(n, 4)))
        )
        reps = dict(
            teacher_hidden_source=t_hs,
            student_hidden_source=s_hs,
            teacher_hidden_followup=t_hf,
            student_hidden_followup=s_hf,
        )
    labels = rng.integers(-1, 2, n)
    return OutputPair(t_src, s_src, t_fu, s_fu, labels, **reps)


@pytest.fixture
def make_pair():
    return random_pair
