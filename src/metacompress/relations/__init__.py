"""Metamorphic relations between a teacher's and a student's outputs (see `base`)."""

from metacompress.relations.base import (
    RELATIONS,
    OutputPair,
    Relation,
    RelationResult,
    relation,
)

__all__ = ["RELATIONS", "OutputPair", "Relation", "RelationResult", "relation"]
