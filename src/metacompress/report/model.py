"""What a report shows, as plain values: every serializer renders a `ReportData`.

`load_report_data(run_dir)` (in `metacompress.report.load`) builds it from a run directory;
the serializers (html, markdown, json, junit, tables) never touch the run directory's tables
themselves, so a new format touches no check and a new check touches no format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from metacompress.rundir.layout import POOLED


@dataclass(frozen=True)
class Interval:
    """A point estimate with its 95 % interval."""

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
    """Violation rate of one relation on follow-ups of one origin."""

    relation: str
    origin: str
    applicable: int
    violations: int
    rate: Interval


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
    """Equal-width confidence bins of one model: mean confidence, accuracy and count per bin."""

    model: str
    confidence: tuple[float, ...]
    accuracy: tuple[float, ...]
    count: tuple[int, ...]


@dataclass(frozen=True)
class Sweep:
    """Violation rate of one relation as its threshold varies."""

    relation: str
    thresholds: tuple[float, ...]
    rates: tuple[float, ...]
    default: float | None = None


@dataclass(frozen=True)
class AttackRow:
    """Summary of one attack against one victim."""

    attack: str
    victim: str
    attacked: int
    success_rate: float
    clean_score: float | None
    adversarial_score: float | None
    relative_drop: float | None
    mean_queries: float | None


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


@dataclass(frozen=True)
class ReportData:
    """Everything a report shows about one run."""

    title: str
    task: str
    meta: dict[str, Any]
    teacher: ModelScores
    student: ModelScores
    accuracy_gap: float | None
    mcnemar: dict[str, dict[str, float]]
    relations: tuple[RelationRate, ...]
    gates: tuple[Gate, ...]
    counts: dict[str, int]
    confidence_pairs: tuple[tuple[float, float], ...] = ()
    reliability: tuple[ReliabilityBins, ...] = ()
    sweeps: tuple[Sweep, ...] = ()
    attacks: tuple[AttackRow, ...] = ()
    attack_gap: dict[str, float] = field(default_factory=dict)
    violations: tuple[Violation, ...] = ()
    set_level: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(gate.passed for gate in self.gates)

    def pooled(self, relation: str) -> RelationRate | None:
        """The rate of `relation` on every follow-up pooled (origin `POOLED`), if reported."""
        return next(
            (r for r in self.relations if r.relation == relation and r.origin == POOLED), None
        )

    def worst_relation(self) -> RelationRate | None:
        """The teacher-vs-student relation with the highest pooled violation rate.

        Label invariance judges each model on its own, so it is not a teacher-student gap and
        is left out here (the report shows the two models' invariance side by side instead).
        """
        rows = [
            r
            for r in self.relations
            if r.applicable and r.origin == POOLED and not r.relation.startswith("label-invariance")
        ]
        return max(rows, key=lambda r: (r.rate.value, r.relation), default=None)
