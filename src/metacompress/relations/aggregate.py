"""Evaluate several relations on a set of pairs and summarise them per relation x origin.

For each relation and origin (the transformation or attack that made the follow-ups, or the
pooled set), the violation rate is violations / applicable pairs, with a percentile bootstrap
interval that resamples whole examples (`metacompress.stats.bootstrap.ratio_bootstrap_ci`
clustered by example id): the follow-ups of one example are not independent. A set-level
relation gives one verdict per origin: its counts are 0 or 1 and it has no interval.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from metacompress.errors import ConfigError
from metacompress.relations.base import SET_LEVEL, OutputPair, Relation, RelationResult
from metacompress.stats.bootstrap import ratio_bootstrap_ci

#: The origin key under which `evaluate_by_origin` puts the pooled set of every follow-up.
POOLED = "all"


def _named(relations: Mapping[str, Relation] | Sequence[Relation]) -> dict[str, Relation]:
    if isinstance(relations, Mapping):
        return dict(relations)
    named: dict[str, Relation] = {}
    for rel in relations:
        if rel.name in named:
            raise ConfigError(
                f"relation {rel.name!r} is given twice; pass a mapping of distinct ids to "
                "evaluate two configurations of one relation"
            )
        named[rel.name] = rel
    return named


def evaluate_all(
    relations: Mapping[str, Relation] | Sequence[Relation], pair: OutputPair
) -> dict[str, RelationResult]:
    """Check every relation on `pair`; keys are the mapping's ids or the registered names."""
    return {ident: rel.check(pair) for ident, rel in _named(relations).items()}


def evaluate_by_origin(
    relations: Mapping[str, Relation] | Sequence[Relation],
    pair: OutputPair,
    origins: Sequence[str] | np.ndarray,
    pooled: str | None = POOLED,
) -> dict[str, dict[str, RelationResult]]:
    """`evaluate_all` on the pairs of each origin (in first-appearance order), and on all pairs
    under the key `pooled` (unless None). Set-level relations are judged per origin."""
    origins = np.asarray(origins, dtype=object)
    if origins.shape != (len(pair),):
        raise ValueError(f"origins must have one entry per pair ({len(pair)}), got {origins.shape}")
    if pooled is not None and pooled in set(origins):
        raise ValueError(f"origin {pooled!r} is reserved for the pooled set")
    named = _named(relations)
    results = {
        origin: evaluate_all(named, pair.subset(origins == origin))
        for origin in dict.fromkeys(origins.tolist())
    }
    if pooled is not None:
        results[pooled] = evaluate_all(named, pair)
    return results


@dataclass(frozen=True)
class RelationSummary:
    """One relation on one origin: counts, violation rate and its clustered interval."""

    relation: str
    origin: str
    level: str
    n_pairs: int
    n_applicable: int
    n_violations: int
    n_examples: int
    violation_rate: float
    ci_low: float
    ci_high: float
    confidence: float
    set_level: dict[str, float] = field(default_factory=dict)


def summarize(
    relation: str,
    origin: str,
    result: RelationResult,
    example_ids: Sequence[str] | np.ndarray,
    *,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> RelationSummary:
    """Counts, violation rate and bootstrap interval (clustered by example id) of one result."""
    ids = np.asarray(example_ids, dtype=object)
    if ids.shape != result.applicable.shape:
        raise ValueError(
            f"example_ids must have one entry per pair ({len(result.applicable)}), got {ids.shape}"
        )
    level = result.level
    if level == SET_LEVEL:
        applicable = bool(result.set_level.get("applicable"))
        violated = applicable and not result.set_level.get("holds")
        rate = float(violated) if applicable else float("nan")
        return RelationSummary(
            relation, origin, level, len(ids), int(applicable), int(violated),
            len(set(ids.tolist())), rate, float("nan"), float("nan"), confidence,
            dict(result.set_level),
        )  # fmt: skip
    interval = ratio_bootstrap_ci(
        result.violations.astype(float),
        result.applicable.astype(float),
        clusters=ids,
        n_boot=n_boot,
        confidence=confidence,
        seed=seed,
    )
    return RelationSummary(
        relation=relation,
        origin=origin,
        level=level,
        n_pairs=len(ids),
        n_applicable=result.n_applicable,
        n_violations=result.n_violations,
        n_examples=len(set(ids[result.applicable].tolist())),
        violation_rate=result.violation_rate,
        ci_low=interval.low,
        ci_high=interval.high,
        confidence=confidence,
        set_level=dict(result.set_level),
    )


def aggregate(
    results: Mapping[str, Mapping[str, RelationResult]],
    example_ids: Mapping[str, Sequence[str] | np.ndarray],
    *,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> list[RelationSummary]:
    """Summaries of every relation x origin, ordered by relation then origin as given.

    `results[origin][relation]` is a result on the pairs of that origin, whose example ids are
    `example_ids[origin]`. Every summary uses the same bootstrap seed.
    """
    relation_ids = list(dict.fromkeys(r for per in results.values() for r in per))
    return [
        summarize(
            relation,
            origin,
            per[relation],
            example_ids[origin],
            n_boot=n_boot,
            confidence=confidence,
            seed=seed,
        )  # fmt: skip
        for relation in relation_ids
        for origin, per in results.items()
        if relation in per
    ]


def evaluate_and_aggregate(
    relations: Mapping[str, Relation] | Sequence[Relation],
    pair: OutputPair,
    example_ids: Sequence[str] | np.ndarray,
    origins: Sequence[str] | np.ndarray,
    *,
    pooled: str | None = POOLED,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[dict[str, dict[str, RelationResult]], list[RelationSummary]]:
    """`evaluate_by_origin` then `aggregate`: the results per origin and their summaries."""
    ids = np.asarray(example_ids, dtype=object)
    origin_of = np.asarray(origins, dtype=object)
    if ids.shape != (len(pair),):
        raise ValueError(f"example_ids must have one entry per pair ({len(pair)}), got {ids.shape}")
    results = evaluate_by_origin(relations, pair, origin_of, pooled)
    ids_of = {origin: ids[origin_of == origin] for origin in results if origin != pooled}
    if pooled is not None:
        ids_of[pooled] = ids
    return results, aggregate(results, ids_of, n_boot=n_boot, confidence=confidence, seed=seed)
