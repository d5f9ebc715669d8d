"""Stage 6, attacks: robustness of each victim under each attack, inside every run.

The numbers are those of `metacompress.attacks.summary`, computed from the attack's own
results saved in ``attack_results`` (one per example: status, reason, queries, the victim's
P(positive) on the original and the final input) and the examples' labels:

- ``robustness``, one row per attack follow-up (ATTACK@VICTIM): clean and adversarial accuracy
  (vulnerability) or F1 (clone) over the labelled examples the victim scored; the success rate
  over the examples the victim got right (the ALERT convention), with the right examples that
  were not attacked counted as no identifier / errors / other; the relative drop; bootstrap
  intervals over examples (`attacks.summary.robustness_intervals`);
- ``robustness_gaps``, one row per attack run against both models: the student's relative
  drop against the teacher's, 100 (d_S - d_T) / d_T and d_S / d_T, with paired intervals
  (`attacks.summary.comparison_intervals`).

Bootstraps are seeded by `hashing.bootstrap_seed(seed, follow-up)` and
`hashing.bootstrap_seed(seed, attack id, student=STUDENT)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from metacompress.hashing import bootstrap_seed
from metacompress.pipeline.rates import finite

#: The numbers of a robustness row that have intervals, in table order.
_INTERVALS = ("attack_success_rate", "clean", "adversarial", "relative_drop")


@dataclass(frozen=True)
class Robustness:
    """A row of the ``robustness`` table (columns in `metacompress.rundir.schema`)."""

    followup: str
    attack: str
    victim: str
    metric: str
    examples: int
    labelled: int
    correct: int
    attacked: int
    succeeded: int
    failed: int
    no_identifier: int
    errors: int
    not_attacked_other: int
    success_rate: float | None
    success_rate_low: float | None
    success_rate_high: float | None
    clean: float | None
    clean_low: float | None
    clean_high: float | None
    adversarial: float | None
    adversarial_low: float | None
    adversarial_high: float | None
    relative_drop: float | None
    relative_drop_low: float | None
    relative_drop_high: float | None
    mean_queries: float | None

    def row(self) -> tuple:
        return tuple(asdict(self).values())


@dataclass(frozen=True)
class RobustnessGap:
    """A row of the ``robustness_gaps`` table."""

    attack: str
    teacher_followup: str
    student_followup: str
    drop_increase: float | None
    drop_increase_low: float | None
    drop_increase_high: float | None
    drop_ratio: float | None
    drop_ratio_low: float | None
    drop_ratio_high: float | None

    def row(self) -> tuple:
        return tuple(asdict(self).values())


def attack_results(rows: Sequence[tuple[Any, ...]], attack: str) -> list[Any]:
    """`AttackResult`s from the rows of `metacompress.rundir.queries.attack_results`."""
    from metacompress.attacks.base import AttackResult

    def probs(p_positive: float | None) -> tuple[float, float] | None:
        return None if p_positive is None else (1.0 - p_positive, p_positive)

    return [
        AttackResult(
            example_id=example_id,
            status=status,
            reason=reason,
            queries=int(queries),
            identifiers_changed=int(changed),
            original_probs=probs(original),
            final_probs=probs(final),
            label=label,
            attack=attack,
        )  # fmt: skip
        for example_id, label, status, reason, queries, changed, original, final in rows
    ]


def robustness_row(
    followup: str, victim: str, results: Sequence[Any], task: str, *, n_boot: int,
    confidence: float, seed: int,
) -> Robustness:  # fmt: skip
    """The ``robustness`` row of one attack follow-up from its results."""
    from metacompress.attacks.summary import robustness_intervals, summarize

    s = summarize(results, task)
    bounds: dict[str, tuple[float | None, float | None]] = dict.fromkeys(_INTERVALS, (None, None))
    if n_boot and results:
        intervals = robustness_intervals(
            results, task, n_boot=n_boot, confidence=confidence,
            seed=bootstrap_seed(seed, followup),
        )  # fmt: skip
        bounds = {k: (finite(intervals[k].low), finite(intervals[k].high)) for k in _INTERVALS}
    return Robustness(
        followup, followup.rsplit("@", 1)[0], victim, s.metric, s.examples, s.labelled,
        s.correct, s.attacked, s.succeeded, s.failed, s.no_identifier, s.errors,
        s.not_attacked_other,
        s.attack_success_rate, *bounds["attack_success_rate"],
        s.clean, *bounds["clean"],
        s.adversarial, *bounds["adversarial"],
        s.relative_drop, *bounds["relative_drop"],
        s.mean_queries,
    )  # fmt: skip


def robustness_gap(
    teacher_followup: str, student_followup: str, teacher: Sequence[Any], student: Sequence[Any],
    task: str, *, n_boot: int, confidence: float, seed: int,
) -> RobustnessGap:  # fmt: skip
    """The ``robustness_gaps`` row of one attack run against the teacher and a student."""
    from metacompress.attacks.summary import Comparison, comparison_intervals, summarize

    attack = teacher_followup.rsplit("@", 1)[0]
    comparison = Comparison(summarize(teacher, task), summarize(student, task))
    bounds: dict[str, tuple[float | None, float | None]] = {
        "drop_increase_percent": (None, None), "drop_ratio": (None, None),
    }  # fmt: skip
    same_examples = sorted(r.example_id for r in teacher) == sorted(r.example_id for r in student)
    if n_boot and teacher and same_examples:
        intervals = comparison_intervals(
            teacher, student, task, n_boot=n_boot, confidence=confidence,
            seed=bootstrap_seed(seed, attack, student=student_followup.rsplit("@", 1)[1]),
        )  # fmt: skip
        bounds = {k: (finite(v.low), finite(v.high)) for k, v in intervals.items()}
    return RobustnessGap(
        attack, teacher_followup, student_followup,
        comparison.drop_increase_percent, *bounds["drop_increase_percent"],
        comparison.drop_ratio, *bounds["drop_ratio"],
    )  # fmt: skip
