"""Summaries of attack results, and the teacher-versus-student comparison.

For one attack on one victim over n examples (an example is "scored" when it has a label and
the victim scored its original input; it is "correct" when that prediction equals the label):
- clean and adversarial performance over the scored examples: accuracy for vulnerability
  prediction, F1 of the positive class for clone detection; the clean prediction is the
  victim's on the original input, the adversarial prediction its prediction on the final input
  (the adversarial one on success, the best one reached on failure, the original one where the
  example was not attacked: a correct example that could not be attacked stays correct);
- attack success rate (ASR) = succeeded / correct, over every example the victim got right
  (the ALERT convention, Yang et al. 2022). The correct examples that were not attacked are
  counted in their own columns, never dropped: `no_identifier` (no renamable identifier),
  `errors` (the search raised) and `not_attacked_other` (any other skip reason); their
  reasons are in `skip_reasons`;
- relative drop d = (clean - adversarial) / clean (None when clean is 0);
- mean queries over attacked examples (and over successes); mean perturbation size over
  successes: identifiers changed, edits.

Teacher versus student, with d_T and d_S their relative drops:
    drop increase (%) = 100 * (d_S - d_T) / d_T      (the literature reports up to 285 %)
    drop ratio        = d_S / d_T                    (1 = the same drop; 2 = twice the drop)
both undefined (None) when the teacher's drop is 0.

`robustness_intervals` and `comparison_intervals` give percentile bootstrap intervals of these
numbers, resampling examples (teacher and student results of one example together), from the
same definitions (`robustness`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from metacompress.attacks.base import (
    ERROR,
    FAILED,
    NO_IDENTIFIERS,
    SKIPPED,
    SUCCESS,
    AttackResult,
)
from metacompress.registry import check_choice
from metacompress.stats.bootstrap import Interval, bootstrap_ci

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
    correct: int
    attacked: int
    succeeded: int
    failed: int
    skipped: int
    no_identifier: int
    errors: int
    not_attacked_other: int
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


#: The numbers `robustness` computes, in its order.
ROBUSTNESS = ("clean", "adversarial", "attack_success_rate", "relative_drop")


def robustness(
    labels: np.ndarray, original: np.ndarray, final: np.ndarray, succeeded: np.ndarray, metric: str
) -> tuple[float, float, float, float]:
    """(clean, adversarial, ASR, relative drop) of one victim, NaN where undefined.

    Per example: the label (-1 unknown), the original and final predictions (-1 unscored) and
    whether the attack succeeded. Clean and adversarial are over the scored examples, the ASR
    over the correct ones (see the module docstring).
    """
    scored = (labels >= 0) & (original >= 0)
    nan = float("nan")
    if not scored.any():
        return nan, nan, nan, nan
    score = accuracy if metric == "accuracy" else f1_positive
    y = labels[scored]
    clean, adversarial = score(y, original[scored]), score(y, final[scored])
    correct = scored & (original == labels)
    asr = float(succeeded[correct].mean()) if correct.any() else nan
    drop = (clean - adversarial) / clean if clean > 0 else nan
    return clean, adversarial, asr, drop


def _columns(results: Sequence[AttackResult]) -> tuple[np.ndarray, ...]:
    """(labels, original predictions, final predictions, succeeded) with -1 for unknown."""

    def known(value: int | None) -> int:
        return -1 if value is None else int(value)

    labels = np.array([known(r.label) for r in results], dtype=int)
    original = np.array([known(r.original_prediction) for r in results], dtype=int)
    final = np.array([known(r.final_prediction) for r in results], dtype=int)
    succeeded = np.array([r.status == SUCCESS for r in results], dtype=bool)
    return labels, original, final, succeeded


def _optional(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def summarize(results: Sequence[AttackResult], task: str) -> AttackSummary:
    """The summary of `results` of one attack for `task` ("vulnerability" or "clone")."""
    check_choice("task", task, tuple(METRICS))
    succeeded = [r for r in results if r.status == SUCCESS]
    failed = [r for r in results if r.status == FAILED]
    skipped = [r for r in results if r.status == SKIPPED]
    attacked = succeeded + failed
    labels, original, final, success = _columns(results)
    clean, adversarial, asr, drop = robustness(labels, original, final, success, METRICS[task])
    correct = (labels >= 0) & (original == labels)
    not_attacked = Counter(
        reason_kind(r.reason) for r, right in zip(results, correct, strict=True)
        if right and r.status == SKIPPED
    )  # fmt: skip
    no_identifier, errors = not_attacked.pop(NO_IDENTIFIERS, 0), not_attacked.pop(ERROR, 0)
    return AttackSummary(
        attack=results[0].attack if results else "",
        task=task,
        metric=METRICS[task],
        examples=len(results),
        labelled=sum(1 for r in results if r.label is not None),
        correct=int(correct.sum()),
        attacked=len(attacked),
        succeeded=len(succeeded),
        failed=len(failed),
        skipped=len(skipped),
        no_identifier=no_identifier,
        errors=errors,
        not_attacked_other=sum(not_attacked.values()),
        attack_success_rate=_optional(asr),
        clean=_optional(clean),
        adversarial=_optional(adversarial),
        relative_drop=_optional(drop),
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


def drop_ratio(teacher: AttackSummary, student: AttackSummary) -> float | None:
    """student drop / teacher drop; None when undefined."""
    if teacher.relative_drop is None or student.relative_drop is None:
        return None
    if teacher.relative_drop == 0:
        return None
    return student.relative_drop / teacher.relative_drop


@dataclass(frozen=True)
class Comparison:
    """One attack on a teacher and on its student, side by side."""

    teacher: AttackSummary
    student: AttackSummary

    @property
    def drop_increase_percent(self) -> float | None:
        return drop_increase(self.teacher, self.student)

    @property
    def drop_ratio(self) -> float | None:
        return drop_ratio(self.teacher, self.student)

    def to_dict(self) -> dict[str, Any]:
        return {
            "teacher": self.teacher.to_dict(),
            "student": self.student.to_dict(),
            "drop_increase_percent": self.drop_increase_percent,
            "drop_ratio": self.drop_ratio,
        }


def robustness_intervals(
    results: Sequence[AttackResult],
    task: str,
    *,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, Interval]:
    """Bootstrap intervals (resampling examples) of clean, adversarial, ASR and relative drop."""
    check_choice("task", task, tuple(METRICS))
    columns = _columns(results)
    return {
        name: bootstrap_ci(
            lambda *c, i=index: robustness(*c, METRICS[task])[i],
            *columns,
            n_boot=n_boot,
            confidence=confidence,
            seed=seed,
        )  # fmt: skip
        for index, name in enumerate(ROBUSTNESS)
    }


def comparison_intervals(
    teacher: Sequence[AttackResult],
    student: Sequence[AttackResult],
    task: str,
    *,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, Interval]:
    """Paired bootstrap intervals of the drop increase (%) and the drop ratio d_S / d_T.

    Teacher and student results are matched by example id (the same examples, any order); a
    resample draws examples and takes both models' results of each.
    """
    check_choice("task", task, tuple(METRICS))
    by_id = {r.example_id: r for r in student}
    if sorted(by_id) != sorted(r.example_id for r in teacher):
        raise ValueError("teacher and student results must cover the same examples")
    paired = [by_id[r.example_id] for r in teacher]
    columns = (*_columns(teacher), *_columns(paired))
    metric = METRICS[task]

    def drops(*c: np.ndarray) -> tuple[float, float]:
        return robustness(*c[:4], metric)[3], robustness(*c[4:], metric)[3]

    def increase(*c: np.ndarray) -> float:
        d_t, d_s = drops(*c)
        return 100.0 * (d_s - d_t) / d_t if d_t else float("nan")

    def ratio(*c: np.ndarray) -> float:
        d_t, d_s = drops(*c)
        return d_s / d_t if d_t else float("nan")

    options = {"n_boot": n_boot, "confidence": confidence, "seed": seed}
    return {
        "drop_increase_percent": bootstrap_ci(increase, *columns, **options),
        "drop_ratio": bootstrap_ci(ratio, *columns, **options),
    }
