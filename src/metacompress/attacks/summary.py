"""Summaries of attack results, and the teacher-versus-student comparison.

For one attack on one victim over n examples:
- attack success rate (ASR) = succeeded / attacked, attacked = succeeded + failed (skipped
  examples, e.g. those the victim already gets wrong, are not attacked);
- clean and adversarial performance over the labelled examples that were scored: accuracy for
  vulnerability prediction, F1 of the positive class for clone detection; the clean prediction
  is the victim's on the original input, the adversarial prediction its prediction on the final
  input (the adversarial one on success, the original otherwise);
- relative drop = (clean - adversarial) / clean;
- mean queries over attacked examples (and over successes); mean perturbation size over
  successes: identifiers changed, edits.

Teacher versus student: how much larger the student's relative drop is than the teacher's,
    drop increase (%) = 100 * (drop_student - drop_teacher) / drop_teacher
(the literature reports up to 285 %); undefined (None) when the teacher's drop is 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from metacompress.attacks.base import FAILED, SKIPPED, SUCCESS, AttackResult
from metacompress.registry import check_choice

METRICS = {"vulnerability": "accuracy", "clone": "f1"}


def accuracy(labels: np.ndarray, predictions: np.ndarray) -> float:
    """Fraction of predictions equal to the labels."""
    return float(np.mean(labels == predictions))


def f1_positive(labels: np.ndarray, predictions: np.ndarray) -> float:
    """F1 of class 1: 2 TP / (2 TP + FP + FN); 0 when there is no positive at all."""
    tp = int(np.sum((labels == 1) & (predictions == 1)))
    fp = int(np.sum((labels == 0) & (predictions == 1)))
    fn = int(np.sum((labels == 1) & (predictions == 0)))
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def _mean(values: Sequence[float]) -> float | None:
    return float(np.mean(values)) if values else None


def reason_kind(reason: str) -> str:
    """The part of a reason before ': ' (reasons carry details after it)."""
    return reason.split(": ", 1)[0]


@dataclass(frozen=True)
class AttackSummary:
    """Aggregate numbers of one attack run (see the module docstring)."""

    attack: str
    task: str
    metric: str
    examples: int
    labelled: int
    attacked: int
    succeeded: int
    failed: int
    skipped: int
    attack_success_rate: float | None
    clean: float | None
    adversarial: float | None
    relative_drop: float | None
    mean_queries: float | None
    mean_queries_success: float | None
    mean_identifiers_changed: float | None
    mean_edits: float | None
    skip_reasons: dict[str, int] = field(default_factory=dict)
    failure_reasons: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarize(results: Sequence[AttackResult], task: str) -> AttackSummary:
    """The summary of `results` of one attack for `task` ("vulnerability" or "clone")."""
    check_choice("task", task, tuple(METRICS))
    succeeded = [r for r in results if r.status == SUCCESS]
    failed = [r for r in results if r.status == FAILED]
    skipped = [r for r in results if r.status == SKIPPED]
    attacked = succeeded + failed
    scored = [r for r in results if r.label is not None and r.original_probs is not None]
    metric_fn = accuracy if METRICS[task] == "accuracy" else f1_positive
    clean = adversarial = drop = None
    if scored:
        labels = np.array([r.label for r in scored])
        clean = metric_fn(labels, np.array([r.original_prediction for r in scored]))
        adversarial = metric_fn(labels, np.array([r.final_prediction for r in scored]))
        drop = (clean - adversarial) / clean if clean > 0 else None
    return AttackSummary(
        attack=results[0].attack if results else "",
        task=task,
        metric=METRICS[task],
        examples=len(results),
        labelled=sum(1 for r in results if r.label is not None),
        attacked=len(attacked),
        succeeded=len(succeeded),
        failed=len(failed),
        skipped=len(skipped),
        attack_success_rate=len(succeeded) / len(attacked) if attacked else None,
        clean=clean,
        adversarial=adversarial,
        relative_drop=drop,
        mean_queries=_mean([r.queries for r in attacked]),
        mean_queries_success=_mean([r.queries for r in succeeded]),
        mean_identifiers_changed=_mean([r.identifiers_changed for r in succeeded]),
        mean_edits=_mean([r.edit_count for r in succeeded]),
        skip_reasons=dict(sorted(Counter(reason_kind(r.reason) for r in skipped).items())),
        failure_reasons=dict(sorted(Counter(reason_kind(r.reason) for r in failed).items())),
    )


def drop_increase(teacher: AttackSummary, student: AttackSummary) -> float | None:
    """100 * (student drop - teacher drop) / teacher drop; None when undefined."""
    if teacher.relative_drop is None or student.relative_drop is None:
        return None
    if teacher.relative_drop == 0:
        return None
    return 100.0 * (student.relative_drop - teacher.relative_drop) / teacher.relative_drop


@dataclass(frozen=True)
class Comparison:
    """One attack on a teacher and on its student, side by side."""

    teacher: AttackSummary
    student: AttackSummary

    @property
    def drop_increase_percent(self) -> float | None:
        return drop_increase(self.teacher, self.student)

    def to_dict(self) -> dict[str, Any]:
        return {
            "teacher": self.teacher.to_dict(),
            "student": self.student.to_dict(),
            "drop_increase_percent": self.drop_increase_percent,
        }
