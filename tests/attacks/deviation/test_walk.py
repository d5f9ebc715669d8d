"""The bookkeeping the deviation searches share: gaps, fresh inputs, the best input asked."""

from __future__ import annotations

import numpy as np
import pytest

from metacompress.attacks.deviation.base import Context
from metacompress.attacks.deviation.space import Space, State
from metacompress.attacks.deviation.walk import Walk, deviates, gap
from metacompress.data.types import Example

SOURCE = State(("int f(int a) {\n    return a;\n}\n",))


def row(teacher_p1: float, student_p1: float) -> np.ndarray:
    return np.array([[1 - teacher_p1, teacher_p1, 1 - student_p1, student_p1]])


def walk(stall: int = 3) -> Walk:
    context = Context(Example("f", SOURCE.inputs), Space("c", (0,), []), label=1)
    return Walk(context, stall)


def test_gap_reads_both_models_at_the_teachers_label():
    assert gap(row(0.9, 0.6), 1) == pytest.approx((0.3, 0.9, 0.6))
    assert gap(row(0.9, 0.6), 0) == pytest.approx((0.3, 0.1, 0.4))
    assert deviates(row(0.9, 0.4)) and not deviates(row(0.9, 0.6))


def test_each_input_is_asked_once_and_a_stall_ends_the_walk():
    w = walk(stall=2)
    other = State(("int f(int a) {\n    return a + 0;\n}\n",))
    assert not w.admit(SOURCE) and not w.stalled
    assert w.admit(other) and w.idle == 0
    assert not w.admit(other) and not w.admit(None) and w.stalled


def test_a_failed_walk_reports_the_input_with_the_largest_gap():
    w = walk()
    assert w.failure(None, "nothing").inputs is None  # type: ignore[arg-type]
    near = State(("int f(int a) {\n    return (a);\n}\n",))
    far = State(("int f(int a) {\n    return a + 0;\n}\n",))
    w.observe(near, row(0.9, 0.8))
    w.observe(far, row(0.9, 0.55))
    w.observe(near, row(0.9, 0.85))
    assert w.best[1] is far and w.best[0] == pytest.approx(0.35)
