"""Measuring a repair on held-out data, with callable students of known behaviour."""

from __future__ import annotations

import numpy as np
import pytest
from repair_doubles import rule_teacher, teacher

from metacompress.models import CallableClassifier
from metacompress.workflows.repair import RepairSettings
from metacompress.workflows.repair_check import accuracy, evaluate_repair, followups


def test_accuracy_counts_labelled_rows_only():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6]])
    assert accuracy(probs, [0, 0, None]) == pytest.approx(0.5)
    assert accuracy(probs, [None, None, None]) is None


def fooled_by_dead_branches(batch):
    """The teacher, with the opposite answer as soon as a dead branch is in the code."""
    rows = rule_teacher(batch)
    return np.array([row[::-1] if "if (0)" in b[0] else row for row, b in zip(rows, batch,
                                                                              strict=True)])  # fmt: skip


def test_a_student_that_now_answers_like_the_teacher_repairs_every_triggering_input(
    held_out_functions,
):
    before = CallableClassifier(fooled_by_dead_branches, "before")
    after = CallableClassifier(rule_teacher, "after")
    evaluation = evaluate_repair(teacher(), before, after, held_out_functions[:12],
                                 "vulnerability", RepairSettings(budget=60))  # fmt: skip
    assert evaluation["triggering_inputs"] == 12 and evaluation["repaired"] == 12
    assert evaluation["repaired_share"] == 1.0
    assert evaluation["clean_accuracy"] == {"teacher": 1.0, "before": 1.0, "after": 1.0}
    assert evaluation["clean_accuracy_change_points"] == 0
    assert evaluation["search_before"]["found"] == 12
    assert evaluation["search_after"]["found"] == 0
    assert evaluation["search_after"]["queries_per_found"] is None
    induced = evaluation["induced_violation_rates"]
    # One catalogue follow-up per transformation and source; only insert-dead-branch breaks
    # the agreement that held on every source, and only before the repair.
    dead = followups(held_out_functions[:12], "c", 0)
    share = sum(name == "insert-dead-branch" for _, name, _ in dead) / len(dead)
    assert induced["before"]["prediction-agreement"] == pytest.approx(share)
    assert induced["after"]["prediction-agreement"] == 0
    assert set(induced["before"]) >= {"prediction-agreement", "distribution-similarity"}


def test_nothing_to_repair_gives_no_share(held_out_functions):
    same = CallableClassifier(rule_teacher, "same")
    evaluation = evaluate_repair(teacher(), same, same, held_out_functions[:3], "vulnerability",
                                 RepairSettings(budget=5))  # fmt: skip
    assert evaluation["triggering_inputs"] == 0 and evaluation["repaired_share"] is None
