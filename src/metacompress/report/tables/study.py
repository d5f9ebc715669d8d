"""What the paper tables are computed from: one study's per-example results, as plain values.

A study is one task, one teacher and one or more students on one sample of examples. Arrays
are in example order (`StudyResults.example_ids`); a label or prediction of -1 means unknown
(unlabelled, unscored). `metacompress.report.tables.collect` reads a `StudyResults` from a run
directory; tests build one by hand.

- `ModelRecord`: one model (the teacher or a student): its predictions on the clean inputs,
  its size and the inference speed measured in the run (None where unknown).
- `AttackRecord`: one attack follow-up against one victim: its per-example `AttackResult`s,
  and every model's prediction on each example's final input (-1 where there is none).
- `PairRecord`: one relation between the teacher and one student on one follow-up set: per
  follow-up pair, applicable and violated, with its source pair's flags aligned
  (`relations.rates.align_source`).
- `SetRecord`: a set-level relation's value on one set, with its interval (as the run stored).
- `FollowupRecord`: a follow-up set's kind (``transform`` / ``attack``) and family (the
  transformation family, or the attack's name).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

TEACHER, STUDENT = "teacher", "student"
TRANSFORM, ATTACK = "transform", "attack"
#: The pooled follow-up sets of the metamorphic table (issue #14: never pooled across both).
POOLS = {TRANSFORM: "transformations", ATTACK: "attacks"}


@dataclass(frozen=True, eq=False)
class ModelRecord:
    """One model of a study (see the module docstring)."""

    name: str
    role: str
    method: str
    predicted: np.ndarray
    seed: int | None = None
    size_mb: float | None = None
    parameters: int | None = None
    latency_ms: float | None = None
    throughput: float | None = None
    fingerprint: str = ""


@dataclass(frozen=True, eq=False)
class AttackRecord:
    """One attack follow-up (`attack` against `victim`) and every model's final predictions."""

    attack: str
    victim: str
    results: tuple[Any, ...]
    final_predictions: Mapping[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class PairRecord:
    """One relation between the teacher and `student` on the follow-up set `followup`."""

    relation: str
    student: str
    followup: str
    applicable: np.ndarray
    violated: np.ndarray
    source_applicable: np.ndarray
    source_violated: np.ndarray
    example_ids: np.ndarray


@dataclass(frozen=True)
class SetRecord:
    """A set-level relation's value on one set of one teacher-student pair."""

    relation: str
    student: str
    followup: str
    value: float | None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class FollowupRecord:
    """A follow-up set: its name, kind (transform / attack) and family."""

    name: str
    kind: str
    family: str


@dataclass(frozen=True, eq=False)
class StudyResults:
    """One study's per-example results and the settings its statistics use."""

    task: str
    dataset: str
    example_ids: tuple[str, ...]
    labels: np.ndarray
    models: tuple[ModelRecord, ...]
    followups: tuple[FollowupRecord, ...] = ()
    attacks: tuple[AttackRecord, ...] = ()
    pairs: tuple[PairRecord, ...] = ()
    set_level: tuple[SetRecord, ...] = ()
    seed: int = 0
    n_boot: int = 1000
    confidence: float = 0.95
    identity: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.example_ids)
        if np.shape(self.labels) != (n,):
            raise ValueError(f"labels must have one entry per example ({n})")
        roles = [m.role for m in self.models]
        if roles.count(TEACHER) != 1:
            raise ValueError(f"a study has exactly one teacher, got roles {roles}")
        names = [m.name for m in self.models]
        if len(set(names)) != len(names):
            raise ValueError(f"model names must be unique, got {names}")
        for model in self.models:
            if np.shape(model.predicted) != (n,):
                raise ValueError(f"model {model.name}: one prediction per example ({n}) expected")

    @property
    def teacher(self) -> ModelRecord:
        return next(m for m in self.models if m.role == TEACHER)

    @property
    def students(self) -> tuple[ModelRecord, ...]:
        return tuple(m for m in self.models if m.role != TEACHER)

    def model(self, name: str) -> ModelRecord:
        return next(m for m in self.models if m.name == name)

    def followup(self, name: str) -> FollowupRecord:
        return next(f for f in self.followups if f.name == name)
