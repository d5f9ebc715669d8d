"""Accuracy gap beside behaviour gap: how the two models score, and whether they differ.

`behaviour_gap` computes, on the labelled inputs (label != -1, probabilities finite):

- clean accuracy and F1 (class 1 positive) of teacher and student on the sources, and the gaps
  teacher - student, the accuracy gap with a paired percentile bootstrap interval;
- the exact McNemar test of teacher-correct vs student-correct, paired per input, on the
  sources; on the follow-ups (when given), where several come from one example, Obuchowski's
  clustered McNemar test over the follow-ups' example ids (`followup_clusters`), or the exact
  test when no clusters are given (one follow-up per example).

Rows left out (unknown label, non-finite probabilities) are counted, not dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metacompress.relations.base import finite_rows, masked_probs
from metacompress.stats.bootstrap import Interval, paired_bootstrap_ci
from metacompress.stats.metrics import accuracy, f1, predicted_labels
from metacompress.stats.tests import (
    ClusteredMcNemarResult,
    McNemarResult,
    mcnemar_clustered,
    mcnemar_exact,
)


@dataclass(frozen=True)
class CorrectnessComparison:
    """Teacher vs student correctness on one set of inputs."""

    n: int
    n_left_out: int
    teacher_accuracy: float
    student_accuracy: float
    mcnemar: McNemarResult | ClusteredMcNemarResult


@dataclass(frozen=True)
class BehaviourGap:
    """Clean scores of both models on the sources, their gaps, and paired tests."""

    source: CorrectnessComparison
    teacher_f1: float
    student_f1: float
    accuracy_gap: Interval
    f1_gap: float
    followup: CorrectnessComparison | None

    @property
    def teacher_accuracy(self) -> float:
        return self.source.teacher_accuracy

    @property
    def student_accuracy(self) -> float:
        return self.source.student_accuracy


def _correctness(
    teacher: np.ndarray,
    student: np.ndarray,
    labels: np.ndarray,
    clusters: np.ndarray | None = None,
) -> tuple[CorrectnessComparison, np.ndarray, np.ndarray, np.ndarray]:
    teacher = np.asarray(teacher, dtype=float)
    student = np.asarray(student, dtype=float)
    labels = np.asarray(labels, dtype=int)
    if teacher.shape != student.shape or teacher.ndim != 2 or labels.shape != teacher.shape[:1]:
        raise ValueError(
            f"expected two (n, k) arrays and (n,) labels, "
            f"got {teacher.shape}, {student.shape}, {labels.shape}"
        )
    rows = finite_rows(teacher, student) & (labels >= 0)
    y = labels[rows]
    t_pred = predicted_labels(masked_probs(teacher, rows))[rows]
    s_pred = predicted_labels(masked_probs(student, rows))[rows]
    test = (
        mcnemar_exact(t_pred == y, s_pred == y) if clusters is None
        else mcnemar_clustered(t_pred == y, s_pred == y, np.asarray(clusters, dtype=object)[rows])
    )  # fmt: skip
    comparison = CorrectnessComparison(
        n=int(rows.sum()),
        n_left_out=int((~rows).sum()),
        teacher_accuracy=accuracy(y, t_pred),
        student_accuracy=accuracy(y, s_pred),
        mcnemar=test,
    )
    return comparison, y, t_pred, s_pred


def behaviour_gap(
    teacher_source: np.ndarray,
    student_source: np.ndarray,
    labels: np.ndarray,
    teacher_followup: np.ndarray | None = None,
    student_followup: np.ndarray | None = None,
    followup_labels: np.ndarray | None = None,
    *,
    followup_clusters: np.ndarray | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> BehaviourGap:
    """Scores, gaps and McNemar tests of teacher vs student (see the module docstring).

    Sources are one row per example; follow-ups one row per follow-up input, with the label of
    its example in `followup_labels`. Gaps are teacher minus student.
    """
    source, y, t_pred, s_pred = _correctness(teacher_source, student_source, labels)
    gap = paired_bootstrap_ci(
        (t_pred == y).astype(float),
        (s_pred == y).astype(float),
        n_boot=n_boot,
        confidence=confidence,
        seed=seed,
    )
    teacher_f1 = f1(y, t_pred) if y.size else float("nan")
    student_f1 = f1(y, s_pred) if y.size else float("nan")
    followup = None
    if teacher_followup is not None or student_followup is not None:
        if teacher_followup is None or student_followup is None or followup_labels is None:
            raise ValueError("follow-ups need teacher and student probabilities and labels")
        followup = _correctness(
            teacher_followup, student_followup, followup_labels, followup_clusters
        )[0]
    return BehaviourGap(
        source=source,
        teacher_f1=teacher_f1,
        student_f1=student_f1,
        accuracy_gap=gap,
        f1_gap=teacher_f1 - student_f1,
        followup=followup,
    )
