"""What a report shows, as plain values: every serializer renders a `ReportData`.

`load_report_data(run_dir)` (in `metacompress.report.load`) builds it from a run directory;
the serializers (html, markdown, json, junit, tables) never touch the run directory's tables
themselves, so a new format touches no check and a new check touches no format.

Every number is defined in docs/relations.md (`DEFINITIONS`): the baseline (``source``) row of
each relation comes first; a follow-up set's headline number is its induced rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from metacompress.rundir.layout import POOLED, POOLS, SOURCE, TRANSFORMATIONS_POOL

#: Where every number of a report is defined (in the MetaCompress source tree).
DEFINITIONS = "docs/relations.md"
#: What each kind of set is called in the reports.
SET_KINDS = {"source": "baseline", "transform": "transformation", "attack": "attack",
             "pool": "pool"}  # fmt: skip
#: How the pools are labelled: nothing is pooled across transformations and attacks unsaid.
POOL_LABELS = {
    "transformations": "transformations (pooled)",
    "attacks": "attacks (pooled)",
    POOLED: "all (transformations + attacks)",
}


@dataclass(frozen=True)
class Interval:
    """A point estimate with its interval (the run's confidence, 95 % by default); bounds are
    NaN when no interval was computed."""

    value: float
    low: float
    high: float


@dataclass(frozen=True)
class ModelScores:
    """Clean (source-input) scores of one model."""

    name: str
    accuracy: float | None
    f1: float | None
    ece: float | None
    n_labelled: int


@dataclass(frozen=True)
class RelationRate:
    """One relation on one set (`kind`: source, transform, attack or pool).

    Input level: `rate` (violations / applicable pairs) with its interval and `method`; on a
    follow-up set also `source_rate` (the baseline on the same pairs), `induced` (violations
    among the pairs whose source pair holds) and `difference` (rate - source rate). Set level:
    `value` with its interval and `holds`. `reason` says why a number is n/a ('' otherwise).
    """

    relation: str
    origin: str
    kind: str
    level: str
    applicable: int
    violations: int
    n_examples: int
    rate: Interval | None
    method: str = ""
    source_rate: float | None = None
    induced: Interval | None = None
    induced_applicable: int = 0
    induced_violations: int = 0
    difference: Interval | None = None
    value: Interval | None = None
    holds: bool | None = None
    reason: str = ""

    @property
    def label(self) -> str:
        """The set's name as the reports show it."""
        return POOL_LABELS.get(self.origin, self.origin)


@dataclass(frozen=True)
class Gate:
    """A release gate: holds when `value` <= `limit`."""

    name: str
    value: float
    limit: float
    passed: bool
    message: str = ""
    relation: str | None = None


@dataclass(frozen=True)
class ReliabilityBins:
    """Equal-width confidence bins of one model on one set: mean confidence, accuracy and
    count per bin."""

    model: str
    confidence: tuple[float, ...]
    accuracy: tuple[float, ...]
    count: tuple[int, ...]
    followup: str = SOURCE
    ece: float | None = None


@dataclass(frozen=True)
class Sweep:
    """Violation rate of one relation as its threshold varies."""

    relation: str
    thresholds: tuple[float, ...]
    rates: tuple[float, ...]
    default: float | None = None


@dataclass(frozen=True)
class AttackRow:
    """Robustness of one victim under one attack follow-up (`metacompress.attacks.summary`):
    counts, then success rate (over the examples the victim got right), clean and adversarial
    score (accuracy or F1 over the labelled examples) and relative drop, each with its
    interval."""

    followup: str
    attack: str
    victim: str
    metric: str
    examples: int
    correct: int
    attacked: int
    succeeded: int
    failed: int
    no_identifier: int
    errors: int
    not_attacked_other: int
    success_rate: Interval | None
    clean: Interval | None
    adversarial: Interval | None
    relative_drop: Interval | None
    mean_queries: float | None


@dataclass(frozen=True)
class AttackGap:
    """The student's relative drop against the teacher's under one attack: the increase
    100 (d_S - d_T) / d_T (%) and the ratio d_S / d_T, with paired intervals."""

    attack: str
    drop_increase: Interval | None
    drop_ratio: Interval | None


@dataclass(frozen=True)
class Violation:
    """One (source, follow-up) pair on which at least one relation fails, with its evidence."""

    example_id: str
    variant_id: str
    origin: str
    relations: tuple[str, ...]
    source: tuple[str, ...]
    followup: tuple[str, ...]
    teacher_source: tuple[float, float]
    teacher_followup: tuple[float, float]
    student_source: tuple[float, float]
    student_followup: tuple[float, float]
    label: int | None
    truncated: dict[str, bool] = field(default_factory=dict)
    attack_status: str | None = None


@dataclass(frozen=True)
class Deviation:
    """A triggering input a deviation search found: a follow-up on which the teacher's and the
    student's answers differ while they agreed on its source; `queries` the search spent."""

    example_id: str
    origin: str
    queries: int
    source: tuple[str, ...]
    followup: tuple[str, ...]
    teacher_source: tuple[float, float]
    teacher_followup: tuple[float, float]
    student_source: tuple[float, float]
    student_followup: tuple[float, float]
    label: int | None


@dataclass(frozen=True)
class McNemarRow:
    """Teacher vs student correctness on one set: discordant counts and the test's p-value
    (`test` exact, or obuchowski for a pool, clustered by example)."""

    followup: str
    test: str
    n: int
    clusters: int
    teacher_only: int
    student_only: int
    p_value: float | None


@dataclass(frozen=True)
class ReportData:
    """Everything a report shows about one run."""

    title: str
    task: str
    meta: dict[str, Any]
    teacher: ModelScores
    student: ModelScores
    accuracy_gap: float | None
    mcnemar: tuple[McNemarRow, ...]
    relations: tuple[RelationRate, ...]
    gates: tuple[Gate, ...]
    counts: dict[str, int]
    confidence_pairs: tuple[tuple[float, float], ...] = ()
    reliability: tuple[ReliabilityBins, ...] = ()
    sweeps: tuple[Sweep, ...] = ()
    attacks: tuple[AttackRow, ...] = ()
    attack_gaps: tuple[AttackGap, ...] = ()
    violations: tuple[Violation, ...] = ()
    deviations: tuple[Deviation, ...] = ()
    set_level: dict[str, float] = field(default_factory=dict)
    definitions: str = DEFINITIONS

    @property
    def passed(self) -> bool:
        return all(gate.passed for gate in self.gates)

    def rate_of(self, relation: str, origin: str) -> RelationRate | None:
        """The row of `relation` on the set `origin`, if reported."""
        return next(
            (r for r in self.relations if r.relation == relation and r.origin == origin), None
        )

    def pooled(self, relation: str) -> RelationRate | None:
        """The row of `relation` on every follow-up pooled (origin `POOLED`), if reported."""
        return self.rate_of(relation, POOLED)

    def pools(self) -> list[str]:
        """The pools this run reports, in order; ``all`` only when it pools both kinds (else
        it repeats the one pool there is)."""
        present = [p for p in POOLS if any(r.origin == p for r in self.relations)]
        return present if len(present) > 2 else [p for p in present if p != POOLED] or present

    def headline_pool(self) -> str:
        """The pool whose induced rates are the headline: transformations when there are any."""
        pools = self.pools()
        return TRANSFORMATIONS_POOL if TRANSFORMATIONS_POOL in pools else (pools or [POOLED])[0]

    def worst_relation(self, pool: str | None = None) -> RelationRate | None:
        """The teacher-vs-student relation with the highest induced rate on `pool` (the
        headline pool by default): the largest behaviour gap the follow-ups cause.

        Label invariance judges each model on its own, so it is not a teacher-student gap and
        is left out here (the report shows the two models' invariance side by side instead).
        """
        pool = pool or self.headline_pool()
        rows = [
            r
            for r in self.relations
            if r.origin == pool and r.induced is not None and r.induced.value == r.induced.value
            and not r.relation.startswith("label-invariance")
        ]  # fmt: skip
        return max(rows, key=lambda r: (r.induced.value, r.relation), default=None)
