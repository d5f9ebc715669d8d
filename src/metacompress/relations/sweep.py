"""Threshold sweeps: violation rates at other thresholds, from saved results, no model run.

For a relation R with scores s and applicability a saved from one check,

    rate(t) = #{i : a_i and not R.holds_at(s_i, t)} / #{i : a_i}     (NaN when no a_i),

which equals the violation rate of R checked again with its threshold parameter set to t,
because `holds` is by contract `holds_at(score, threshold)`. A parameter that changes which
pairs apply (e.g. the teacher gate `tau` of `high-confidence`) is swept by checking the saved
outputs again (`sweep_param`): still no model run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from metacompress.errors import ConfigError
from metacompress.relations.base import OutputPair, Relation


def sweep(
    relation: Relation,
    scores: np.ndarray,
    applicable: np.ndarray,
    thresholds: Sequence[float] | np.ndarray,
) -> np.ndarray:
    """Violation rate of `relation` at each threshold, from saved scores and applicability."""
    scores = np.asarray(scores, dtype=float)
    applicable = np.asarray(applicable, dtype=bool)
    if scores.shape != applicable.shape or scores.ndim != 1:
        raise ValueError(
            f"scores and applicable must be (n,) arrays of one shape, "
            f"got {scores.shape} and {applicable.shape}"
        )
    total = int(applicable.sum())
    rates = np.full(len(thresholds), np.nan)
    if total:
        for index, threshold in enumerate(thresholds):
            violated = applicable & ~relation.holds_at(scores, float(threshold))
            rates[index] = violated.sum() / total
    return rates


def sweep_param(
    relation: Relation, pair: OutputPair, param: str, values: Sequence[Any]
) -> np.ndarray:
    """Violation rate of `relation` with `param` set to each value, re-checked on saved outputs."""
    names = {f.name for f in dataclasses.fields(relation) if f.init}
    if param not in names:
        raise ConfigError(
            f"relation {relation.name!r} has no parameter {param!r}; "
            f"expected one of: {', '.join(sorted(names)) or 'none'}"
        )
    return np.array(
        [dataclasses.replace(relation, **{param: v}).check(pair).violation_rate for v in values]
    )
