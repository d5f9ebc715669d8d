import numpy as np
import pytest
from scipy.stats import binomtest
from sklearn.metrics import accuracy_score, f1_score

from metacompress.relations import behaviour_gap


def _probs(p1):
    return np.column_stack([1 - np.asarray(p1), np.asarray(p1)])


def test_behaviour_gap_against_references():
    rng = np.random.default_rng(0)
    n = 80
    labels = rng.integers(0, 2, n)
    teacher = _probs(np.where(rng.random(n) < 0.85, labels * 0.8 + 0.1, 0.5 + (0.5 - labels) * 0.6))
    student = _probs(rng.random(n))
    gap = behaviour_gap(teacher, student, labels, n_boot=200)
    t_pred, s_pred = teacher.argmax(1), student.argmax(1)
    assert gap.teacher_accuracy == pytest.approx(accuracy_score(labels, t_pred))
    assert gap.student_accuracy == pytest.approx(accuracy_score(labels, s_pred))
    assert gap.teacher_f1 == pytest.approx(f1_score(labels, t_pred))
    assert gap.student_f1 == pytest.approx(f1_score(labels, s_pred))
    assert gap.accuracy_gap.estimate == pytest.approx(gap.teacher_accuracy - gap.student_accuracy)
    assert gap.accuracy_gap.low <= gap.accuracy_gap.estimate <= gap.accuracy_gap.high
    assert gap.f1_gap == pytest.approx(gap.teacher_f1 - gap.student_f1)
    b = int(np.sum((t_pred == labels) & (s_pred != labels)))
    c = int(np.sum((t_pred != labels) & (s_pred == labels)))
    assert (gap.source.mcnemar.b, gap.source.mcnemar.c) == (b, c)
    assert gap.source.mcnemar.p_value == pytest.approx(binomtest(b, b + c, 0.5).pvalue)
    assert gap.followup is None


def test_equal_accuracy_can_hide_a_behaviour_gap():
    # same accuracy (2/4) on sources, but right on different inputs; follow-ups given too
    labels = np.array([1, 1, 0, 0, -1])
    teacher = _probs([0.9, 0.9, 0.9, 0.9, 0.5])
    student = _probs([0.1, 0.1, 0.1, 0.1, 0.5])
    followup_labels = np.array([1, 0, 0])
    gap = behaviour_gap(
        teacher, student, labels, _probs([0.9, 0.9, 0.2]), _probs([0.9, 0.1, np.nan]),
        followup_labels, n_boot=50,
    )  # fmt: skip
    assert gap.source.n == 4 and gap.source.n_left_out == 1
    assert gap.accuracy_gap.estimate == 0.0
    assert (gap.source.mcnemar.b, gap.source.mcnemar.c) == (2, 2)
    assert gap.source.mcnemar.p_value == 1.0
    assert gap.followup.n == 2 and gap.followup.n_left_out == 1
    assert gap.followup.teacher_accuracy == 0.5 and gap.followup.student_accuracy == 1.0
    assert (gap.followup.mcnemar.b, gap.followup.mcnemar.c) == (0, 1)


def test_behaviour_gap_without_labels_and_bad_calls():
    gap = behaviour_gap(_probs([0.2]), _probs([0.3]), np.array([-1]), n_boot=10)
    assert gap.source.n == 0 and np.isnan(gap.teacher_accuracy) and np.isnan(gap.teacher_f1)
    assert gap.source.mcnemar.p_value == 1.0
    with pytest.raises(ValueError, match="follow-ups need"):
        behaviour_gap(_probs([0.2]), _probs([0.3]), np.array([1]), _probs([0.2]))


def test_follow_ups_with_their_examples_get_the_clustered_test():
    rng = np.random.default_rng(3)
    n_examples, per = 30, 6
    labels = rng.integers(0, 2, n_examples)
    clusters = np.repeat(np.arange(n_examples), per)
    followup_labels = np.repeat(labels, per)
    teacher = np.column_stack([1 - followup_labels, followup_labels]).astype(float)
    wrong = np.repeat(rng.random(n_examples) < 0.3, per)  # the student is wrong per example
    student_label = np.where(wrong, 1 - followup_labels, followup_labels)
    student = np.column_stack([1 - student_label, student_label]).astype(float)
    source = np.column_stack([1 - labels, labels]).astype(float)
    gap = behaviour_gap(source, source, labels, teacher, student, followup_labels,
                        followup_clusters=clusters, n_boot=20)  # fmt: skip
    clustered = gap.followup.mcnemar
    assert clustered.n_clusters == n_examples
    plain = behaviour_gap(source, source, labels, teacher, student, followup_labels, n_boot=20)
    assert (clustered.b, clustered.c) == (plain.followup.mcnemar.b, plain.followup.mcnemar.c)
    assert clustered.p_value > plain.followup.mcnemar.p_value  # copies are not evidence
