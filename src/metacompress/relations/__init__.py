"""Metamorphic relations between a teacher's and a student's outputs (see `base`)."""

from metacompress.relations.aggregate import (
    POOLED,
    RelationSummary,
    aggregate,
    evaluate_all,
    evaluate_and_aggregate,
    evaluate_by_origin,
    summarize,
)
from metacompress.relations.base import (
    RELATIONS,
    OutputPair,
    Relation,
    RelationResult,
    relation,
)
from metacompress.relations.gap import BehaviourGap, CorrectnessComparison, behaviour_gap
from metacompress.relations.sweep import sweep, sweep_param

__all__ = [
    "POOLED",
    "RELATIONS",
    "BehaviourGap",
    "CorrectnessComparison",
    "OutputPair",
    "Relation",
    "RelationResult",
    "RelationSummary",
    "aggregate",
    "behaviour_gap",
    "evaluate_all",
    "evaluate_and_aggregate",
    "evaluate_by_origin",
    "relation",
    "summarize",
    "sweep",
    "sweep_param",
]
