"""Stage 6: the numbers of a run, from its per-example tables.

- Violation rate of each relation on each follow-up set, and on all follow-ups pooled (``all``,
  the source baseline left out), computed by `relations.aggregate.summarize` from the saved
  verdicts: rate = violations / applicable pairs with a percentile bootstrap interval that
  resamples whole examples (the follow-ups of one example are not independent). A relation
  that judges a whole set has one verdict per set (0 or 1 violation) and no interval.
- Accuracy and F1 of each model on each follow-up set's labelled inputs (``source`` = the clean
  scores), the label of a follow-up being its source's; the exact McNemar test of teacher vs
  student correctness on each set (`stats.tests.mcnemar_exact`).
- Side by side (`relations.gap.behaviour_gap`): the clean accuracy gap teacher - student with
  its paired bootstrap interval, the F1 gap, McNemar on sources and on follow-ups, beside the
  behaviour gap: each relation's pooled violation rate on the follow-ups.

Each bootstrap is seeded by `derive_seed(seed, "bootstrap", relation, follow-up)`, so no number
depends on the order in which things were computed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from metacompress.hashing import derive_seed
from metacompress.rundir.layout import POOLED
from metacompress.stats.metrics import accuracy, f1
from metacompress.stats.tests import mcnemar_exact

PAIR = "teacher/student"


def finite(value: Any) -> float | None:
    """`value` as a float, None when missing or not finite."""
    return float(value) if value is not None and math.isfinite(value) else None


@dataclass(frozen=True)
class Rate:
    """A row of the `rates` table."""

    relation: str
    followup: str
    pair: str
    applicable: int
    violations: int
    rate: float | None
    low: float | None
    high: float | None

    def row(self) -> tuple:
        return tuple(asdict(self).values())


def relation_rate(
    relation: str,
    followup: str,
    verdicts: Sequence[tuple[str, int, int, float | None]],
    set_level: Mapping[str, float | None] | None,
    *,
    n_boot: int,
    confidence: float,
    seed: int,
) -> Rate:
    """The rate of one relation on one set, from its saved (example id, applicable, holds,
    score) verdicts, or from its set-level numbers when `set_level` is given."""
    from metacompress.relations.aggregate import summarize
    from metacompress.relations.base import INPUT_LEVEL, SET_LEVEL, RelationResult

    if set_level is not None:
        result = RelationResult(
            applicable=np.zeros(0, dtype=bool), holds=np.zeros(0, dtype=bool),
            score=np.zeros(0), set_level=dict(set_level), level=SET_LEVEL,
        )  # fmt: skip
        ids: list[str] = []
    else:
        if not any(applicable for _, applicable, _, _ in verdicts):
            return Rate(relation, followup, PAIR, 0, 0, None, None, None)
        ids = [example for example, _, _, _ in verdicts]
        result = RelationResult(
            applicable=np.array([a for _, a, _, _ in verdicts], dtype=bool),
            holds=np.array([h for _, _, h, _ in verdicts], dtype=bool),
            score=np.array([np.nan if s is None else s for *_, s in verdicts], dtype=float),
            level=INPUT_LEVEL,
        )
    summary = summarize(
        relation, followup, result, ids, n_boot=max(n_boot, 1), confidence=confidence,
        seed=derive_seed(seed, "bootstrap", relation, followup),
    )  # fmt: skip
    if summary.n_applicable == 0:
        return Rate(relation, followup, PAIR, 0, 0, None, None, None)
    if summary.rate is None:  # set level: one verdict, no interval
        return Rate(relation, followup, PAIR, summary.n_applicable, summary.n_violations,
                    float(summary.n_violations), None, None)  # fmt: skip
    low, high = (finite(summary.rate.low), finite(summary.rate.high)) if n_boot else (None, None)
    return Rate(relation, followup, PAIR, summary.n_applicable, summary.n_violations,
                finite(summary.violation_rate), low, high)  # fmt: skip


@dataclass(frozen=True)
class Score:
    """A row of the `scores` table."""

    model: str
    followup: str
    n: int
    labelled: int
    accuracy: float | None
    f1: float | None

    def row(self) -> tuple:
        return tuple(asdict(self).values())


def model_scores(model: str, followup: str, predicted: np.ndarray, labels: np.ndarray) -> Score:
    """Accuracy and F1 of one model's predictions on the labelled rows (label >= 0)."""
    predicted = np.asarray(predicted, dtype=int)
    labels = np.asarray(labels, dtype=int)
    known = labels >= 0
    if not known.any():
        return Score(model, followup, len(labels), 0, None, None)
    y, p = labels[known], predicted[known]
    return Score(model, followup, len(labels), int(known.sum()), accuracy(y, p), f1(y, p))


@dataclass(frozen=True)
class McNemar:
    """A row of the `mcnemar` table; statistic = min(b, c), the exact test's statistic."""

    followup: str
    n: int
    teacher_only: int
    student_only: int
    statistic: float | None
    p_value: float | None

    def row(self) -> tuple:
        return tuple(asdict(self).values())


def mcnemar_row(
    followup: str, teacher_pred: np.ndarray, student_pred: np.ndarray, labels: np.ndarray
) -> McNemar:
    """Exact McNemar test of teacher vs student correctness on the labelled rows."""
    labels = np.asarray(labels, dtype=int)
    known = labels >= 0
    if not known.any():
        return McNemar(followup, 0, 0, 0, None, None)
    y = labels[known]
    result = mcnemar_exact(
        np.asarray(teacher_pred)[known] == y, np.asarray(student_pred)[known] == y
    )
    return McNemar(followup, int(known.sum()), result.b, result.c, float(min(result.b, result.c)),
                   result.p_value)  # fmt: skip


def _comparison(comparison: Any) -> dict[str, Any] | None:
    if comparison is None:
        return None
    return {
        "n": comparison.n,
        "left_out": comparison.n_left_out,
        "teacher_accuracy": finite(comparison.teacher_accuracy),
        "student_accuracy": finite(comparison.student_accuracy),
        "mcnemar": {
            "teacher_only": comparison.mcnemar.b,
            "student_only": comparison.mcnemar.c,
            "p_value": finite(comparison.mcnemar.p_value),
        },
    }


def gaps(
    source: Any, followups: Any, rates: Sequence[Rate], *, n_boot: int, confidence: float,
    seed: int,
) -> dict[str, Any]:  # fmt: skip
    """The accuracy gap (clean, teacher - student) beside each relation's behaviour gap.

    `source` and `followups` are `verdicts.FollowupOutputs` of the source set and of all
    follow-ups pooled.
    """
    from metacompress.relations.gap import behaviour_gap

    behaviour = {
        r.relation: {"rate": r.rate, "low": r.low, "high": r.high, "applicable": r.applicable}
        for r in rates
        if r.followup == POOLED
    }
    if not len(source):
        return {"accuracy_gap": None, "f1_gap": None, "behaviour_gap": behaviour}
    gap = behaviour_gap(
        source.teacher_source, source.student_source, source.labels,
        followups.teacher_followup, followups.student_followup, followups.labels,
        n_boot=max(n_boot, 1), confidence=confidence, seed=derive_seed(seed, "bootstrap", "gap"),
    )  # fmt: skip
    interval = gap.accuracy_gap
    return {
        "accuracy_gap": {
            "value": finite(interval.estimate),
            "low": finite(interval.low) if n_boot else None,
            "high": finite(interval.high) if n_boot else None,
        },
        "f1_gap": finite(gap.f1_gap),
        "teacher_f1": finite(gap.teacher_f1),
        "student_f1": finite(gap.student_f1),
        "source": _comparison(gap.source),
        "followups": _comparison(gap.followup),
        "behaviour_gap": behaviour,
    }
