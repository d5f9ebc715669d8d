"""Metamorphic relations between a teacher's and a student's outputs (see `base`)."""

from metacompress.relations.aggregate import (
    POOLED,
    SOURCE,
    RelationSummary,
    baseline_pair,
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
    SetRelation,
    relation,
)
from metacompress.relations.gap import BehaviourGap, CorrectnessComparison, behaviour_gap
from metacompress.relations.rates import FollowupRates, followup_rates, set_interval
from metacompress.relations.sweep import sweep, sweep_param
from metacompress.relations.union import ANY_PAPER_RELATION, PAPER_RELATIONS, any_violated

__all__ = [
    "ANY_PAPER_RELATION",
    "PAPER_RELATIONS",
    "POOLED",
    "RELATIONS",
    "SOURCE",
    "BehaviourGap",
    "CorrectnessComparison",
    "FollowupRates",
    "OutputPair",
    "Relation",
    "RelationResult",
    "RelationSummary",
    "SetRelation",
    "any_violated",
    "baseline_pair",
    "behaviour_gap",
    "evaluate_all",
    "evaluate_and_aggregate",
    "evaluate_by_origin",
    "followup_rates",
    "relation",
    "set_interval",
    "summarize",
    "sweep",
    "sweep_param",
]
