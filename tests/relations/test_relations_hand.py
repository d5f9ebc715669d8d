"""Each relation against values computed by hand, and a student that departs on a known subset."""

from __future__ import annotations

import numpy as np
import pytest

from metacompress.relations.base import RELATIONS, OutputPair
from metacompress.testing.relations import binary


def _pair(t_src, s_src, t_fu, s_fu, labels=None, **hidden):
    return OutputPair(binary(t_src), binary(s_src), binary(t_fu), binary(s_fu), labels, **hidden)


def test_prediction_agreement_by_hand():
    # teacher labels on the follow-up: 1, 0, 0 (the 0.5 tie goes to class 0)
    pair = _pair([0.5] * 3, [0.5] * 3, [0.8, 0.4, 0.5], [0.7, 0.55, 0.5])
    result = RELATIONS.create("prediction-agreement").check(pair)
    # student margins for the teacher's label: 0.7-0.3, 0.45-0.55, tie won by class 0
    np.testing.assert_allclose(result.score, [0.4, -0.1, 0.0])
    assert result.holds.tolist() == [True, False, True]
    strict = RELATIONS.create("prediction-agreement", min_margin=0.3).check(pair)
    assert strict.holds.tolist() == [True, False, False]
    assert result.set_level["agreement_followup"] == pytest.approx(2 / 3)
    assert result.set_level["agreement_source"] == 1.0
    assert result.details["student_label"].tolist() == [1, 1, 0]


def test_prediction_agreement_tie_lost_by_teacher_label_is_a_violation():
    # teacher says 1 with 0.9, student sits on 0.5/0.5 -> its label is 0
    pair = _pair([0.9], [0.9], [0.9], [0.5])
    result = RELATIONS.create("prediction-agreement").check(pair)
    assert result.score[0] < 0 and result.holds.tolist() == [False]


def test_flip_agreement_by_hand():
    t_src, t_fu = [0.8, 0.8, 0.2, 0.2], [0.3, 0.9, 0.1, 0.7]  # teacher flips: T F F T
    s_src, s_fu = [0.6, 0.6, 0.4, 0.6], [0.4, 0.4, 0.3, 0.7]  # student flips: T T F F
    result = RELATIONS.create("flip-agreement").check(_pair(t_src, s_src, t_fu, s_fu))
    assert result.score.tolist() == [1.0, 0.0, 1.0, 0.0]
    assert result.violations.tolist() == [False, True, False, True]
    assert result.set_level == {"teacher_flip_rate": 0.5, "student_flip_rate": 0.5}


def test_distribution_similarity_by_hand():
    pair = _pair([0.5, 0.9], [0.5, 0.9], [0.5, 0.9], [0.9, 0.9])
    js = 0.5 * (0.5 * np.log2(0.5 / 0.7) + 0.5 * np.log2(0.5 / 0.3)) + 0.5 * (
        0.9 * np.log2(0.9 / 0.7) + 0.1 * np.log2(0.1 / 0.3)
    )
    result = RELATIONS.create("distribution-similarity").check(pair)
    np.testing.assert_allclose(result.score, [js, 0.0], atol=1e-12)
    assert result.holds.tolist() == [False, True]  # js = 0.147 > 0.05
    np.testing.assert_allclose(result.details["divergence_source"], [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(result.details["shift"], [js, 0.0], atol=1e-12)
    assert result.set_level["mean_shift"] == pytest.approx(js / 2)
    kl = RELATIONS.create("distribution-similarity", divergence="kl").check(pair)
    assert kl.score[0] == pytest.approx(0.5 * np.log2(0.5 / 0.1) + 0.5 * np.log2(0.5 / 0.9))
    assert kl.holds[0] == (kl.score[0] <= 0.2)
    tv = RELATIONS.create("distribution-similarity", divergence="tv", max_divergence=0.4)
    result_tv = tv.check(pair)
    np.testing.assert_allclose(result_tv.score, [0.4, 0.0], atol=1e-12)
    assert result_tv.holds.tolist() == [True, True]


def test_high_confidence_by_hand():
    # teacher confidences on the follow-up: 0.95 (label 1), 0.85, 0.92 (label 0), 0.9 (label 1)
    t_fu = [0.95, 0.85, 0.08, 0.9]
    s_fu = [0.91, 0.10, 0.40, 0.89]  # student on the teacher's label: 0.91, -, 0.60, 0.89
    result = RELATIONS.create("high-confidence").check(_pair(t_fu, t_fu, t_fu, s_fu))
    assert result.applicable.tolist() == [True, False, True, True]
    np.testing.assert_allclose(result.score[[0, 2, 3]], [0.91, 0.60, 0.89])
    assert result.violations.tolist() == [False, False, True, True]
    assert result.reason[1] == "teacher confidence below 0.9"
    relaxed = RELATIONS.create("high-confidence", student_tau=0.85).check(
        _pair(t_fu, t_fu, t_fu, s_fu)
    )
    assert relaxed.violations.tolist() == [False, False, True, False]
    gate = RELATIONS.create("high-confidence", tau=0.8).check(_pair(t_fu, t_fu, t_fu, s_fu))
    assert gate.applicable.tolist() == [True, True, True, True]
    assert gate.violations.tolist() == [False, True, True, False]


def test_calibration_alignment_by_hand():
    t_fu = np.array([0.95, 0.92, 0.25, 0.71, 0.5])
    s_fu = np.array([0.80, 0.92, 0.30, 0.45, 0.6])
    pair = _pair(t_fu, s_fu, t_fu, s_fu)
    result = RELATIONS.create("calibration-alignment").check(pair)
    # teacher labels 1 1 0 1 0 (tie -> 0); p_T[y_T]: .95 .92 .75 .71 .5;
    # p_S[y_T]: .80 .92 .70 .45 .4
    np.testing.assert_allclose(result.score, [0.15, 0.0, 0.05, 0.26, 0.1], atol=1e-12)
    assert result.violations.tolist() == [True, False, False, True, False]
    assert result.details["teacher_label"].tolist() == [1, 1, 0, 1, 0]
    assert result.set_level["mean_gap"] == pytest.approx(0.56 / 5)


def test_calibration_alignment_fails_a_student_with_the_opposite_belief():
    # same confidence (0.95), opposite label: a label-blind confidence check would pass it
    pair = _pair([0.95], [0.05], [0.95], [0.05])
    result = RELATIONS.create("calibration-alignment").check(pair)
    assert result.score[0] == pytest.approx(0.9) and result.violations.tolist() == [True]
    mirrored = RELATIONS.create("calibration-alignment").check(
        _pair([0.05], [0.95], [0.05], [0.95])
    )
    assert mirrored.violations.tolist() == [True]


def test_ece_gap_by_hand():
    t_fu = np.array([0.95, 0.92, 0.25, 0.71, 0.55])
    s_fu = np.array([0.80, 0.92, 0.30, 0.45, 0.60])
    labels = np.array([1, 0, 0, 1, -1])
    pair = _pair(t_fu, s_fu, t_fu, s_fu, labels)
    result = RELATIONS.create("ece-gap").check(pair)
    # ECE over the 4 labelled rows.
    # teacher: (.95 right) (.92 wrong) -> bin 9 acc .5 conf .935; (.75 right) (.71 right)
    #   -> bin 7 acc 1 conf .73.  ECE_T = .5 * .435 + .5 * .27 = .3525
    # student: .80 right -> bin 7 (0.7, 0.8]; .92 wrong -> bin 9; .70 right -> bin 6;
    #   .55 label 0 predicted wrong -> bin 5.
    #   ECE_S = .25 * (.2 + .92 + .3 + .55) = .4925
    assert result.level == "set" and not result.applicable.any()
    assert result.set_level["n_labelled"] == 4
    assert result.set_level["ece_teacher"] == pytest.approx(0.3525)
    assert result.set_level["ece_student"] == pytest.approx(0.4925)
    assert result.set_level["score"] == pytest.approx(0.14)
    assert result.set_level["holds"] == 0.0
    loose = RELATIONS.create("ece-gap", max_gap=0.15, n_bins=10).check(pair)
    assert loose.set_level["holds"] == 1.0
    rel = RELATIONS.create("ece-gap")
    assert rel.set_score(pair) == pytest.approx(0.14)
    # weights count rows: dropping the unlabelled row changes nothing, doubling one row does
    weights = np.array([2.0, 1.0, 1.0, 1.0, 0.0])
    copied = pair.subset(np.array([0, 0, 1, 2, 3]))
    assert rel.set_score(pair, weights) == pytest.approx(rel.check(copied).set_level["score"])


def test_ece_gap_without_labels_is_not_applicable_with_a_reason():
    pair = _pair([0.9], [0.8], [0.9], [0.8])
    result = RELATIONS.create("ece-gap").check(pair)
    assert result.set_level["applicable"] == 0.0 and result.set_level["n_labelled"] == 0
    assert "holds" not in result.set_level
    assert result.reason[0] == "no labelled pair with finite outputs"


def test_label_invariance_by_hand():
    t_src, t_fu = [0.8, 0.3, 0.6], [0.7, 0.6, 0.5]  # teacher labels 1,0,1 -> 1,1,0
    s_src, s_fu = [0.8, 0.3, 0.6], [0.2, 0.1, 0.9]  # student labels 1,0,1 -> 0,0,1
    pair = _pair(t_src, s_src, t_fu, s_fu)
    teacher = RELATIONS.create("label-invariance-teacher").check(pair)
    student = RELATIONS.create("label-invariance-student").check(pair)
    np.testing.assert_allclose(teacher.score[:2], [0.4, -0.2])
    assert teacher.score[2] < 0  # 0.5/0.5 tie goes to class 0, the source label was 1
    assert teacher.violations.tolist() == [False, True, True]
    np.testing.assert_allclose(student.score, [-0.6, 0.8, 0.8])
    assert student.violations.tolist() == [True, False, False]
    assert teacher.set_level["flip_rate"] == pytest.approx(2 / 3)
    margin = RELATIONS.create("label-invariance-student", min_margin=0.7).check(pair)
    assert margin.violations.tolist() == [True, False, False]


def test_representation_drift_by_hand():
    x = np.array([[0.0], [1.0], [2.0]])
    z = np.array([1.0, -2.0, 1.0]) / np.sqrt(3)
    y = np.column_stack([x[:, 0] - 1, z])  # CKA(x, y) = 1 / sqrt(2), see tests/stats
    probs = [0.5, 0.5, 0.5]
    pair = _pair(
        probs, probs, probs, probs,
        teacher_hidden_source=x, student_hidden_source=2 * x,
        teacher_hidden_followup=x, student_hidden_followup=y,
    )  # fmt: skip
    result = RELATIONS.create("representation-drift").check(pair)
    drift = 1 - 1 / np.sqrt(2)
    assert result.set_level["cka_source"] == pytest.approx(1.0)
    assert result.set_level["cka_followup"] == pytest.approx(1 / np.sqrt(2))
    assert result.set_level["score"] == pytest.approx(drift)
    assert result.set_level["holds"] == 0.0
    loose = RELATIONS.create("representation-drift", max_drift=0.3).check(pair)
    assert loose.set_level["holds"] == 1.0
    assert not result.applicable.any()


def test_representation_drift_not_applicable_without_reps_or_with_constant_reps():
    probs = [0.5, 0.5, 0.5]
    result = RELATIONS.create("representation-drift").check(_pair(probs, probs, probs, probs))
    assert result.set_level == {"applicable": 0.0}
    assert result.reason[0] == "a model exposes no hidden representations"
    flat = np.ones((3, 2))
    const = RELATIONS.create("representation-drift").check(
        _pair(
            probs,
            probs,
            probs,
            probs,
            teacher_hidden_source=flat,
            student_hidden_source=flat,
            teacher_hidden_followup=flat,
            student_hidden_followup=flat,
        )  # fmt: skip
    )
    assert const.set_level["applicable"] == 0.0 and "CKA undefined" in const.reason[0]


def _departing_student(n=40, subset=(3, 7, 8, 20, 33), seed=0):
    """A confident, invariant teacher; the student equals it except on `subset`, where on the
    follow-up it gives the teacher's label only 0.3 and its representations are scrambled."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    t = np.where(labels == 1, 0.95, 0.05)
    s_fu = t.copy()
    k = np.array(subset, dtype=int)
    s_fu[k] = np.where(labels[k] == 1, 0.3, 0.7)
    reps = rng.normal(size=(n, 5))
    s_reps_fu = reps.copy()
    s_reps_fu[k] = rng.normal(size=(len(k), 5)) * 10
    pair = _pair(
        t, t, t, s_fu, labels, teacher_hidden_source=reps, student_hidden_source=reps,
        teacher_hidden_followup=reps, student_hidden_followup=s_reps_fu,
    )  # fmt: skip
    expected = np.zeros(n, dtype=bool)
    expected[k] = True
    return pair, expected


@pytest.mark.parametrize("name", RELATIONS.names())
def test_student_departing_on_a_known_subset_violates_exactly_there(name):
    pair, expected = _departing_student()
    result = RELATIONS.create(name).check(pair)
    if name == "label-invariance-teacher":
        assert result.n_violations == 0
    elif RELATIONS.create(name).level == "set":
        assert result.set_level["holds"] == 0.0
        clean, _ = _departing_student(subset=())
        assert RELATIONS.create(name).check(clean).set_level["holds"] == 1.0
    else:
        np.testing.assert_array_equal(result.violations, expected)
