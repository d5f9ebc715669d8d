"""Evaluate several relations on a set of pairs and summarise them per relation x origin.

The baseline comes first: the origin `SOURCE` holds each relation on the source pairs
(source, source) of the examples, one pair per example, the clean-input agreement of the two
models. Then, for each origin (the transformation or attack that made the follow-ups, and the
pooled set), an input-level relation gets the numbers of `relations.rates.followup_rates`: the
violation rate, the source rate on the same examples, the induced rate (violations among pairs
whose source pair holds) and the difference follow-up - source, each with its interval,
clustered by example (the follow-ups of one example are not independent). A set-level relation
gets its score with a bootstrap interval over examples (`relations.rates.set_interval`) and its
verdict, never a rate of one verdict. A rate over no applicable pair is NaN with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from metacompress.errors import ConfigError
from metacompress.relations.base import (
    SET_LEVEL,
    OutputPair,
    Relation,
    RelationResult,
    SetRelation,
)
from metacompress.relations.rates import (
    FollowupRates,
    followup_rates,
    set_interval,
    why_undefined,
)
from metacompress.stats.bootstrap import Interval
from metacompress.stats.proportions import RateInterval, rate_interval

#: The origin key under which `evaluate_by_origin` puts the pooled set of every follow-up.
POOLED = "all"
#: The origin key of the baseline: every relation on the (source, source) pairs.
SOURCE = "source"


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
    """One relation on one origin (see the module docstring).

    Input level: `rate` (violations / applicable pairs with its interval) and, for a follow-up
    set read against its sources, `rates` (source, induced, difference). Set level: `value`
    (the set's score with its bootstrap interval) and `holds`. `reason` says why the rate or
    value is undefined ("" when it is defined).
    """

    relation: str
    origin: str
    level: str
    n_pairs: int
    n_applicable: int
    n_violations: int
    n_examples: int
    rate: RateInterval | None
    rates: FollowupRates | None
    value: Interval | None
    holds: bool | None
    reason: str
    set_level: dict[str, float] = field(default_factory=dict)

    @property
    def violation_rate(self) -> float:
        """The input-level violation rate, NaN when undefined or for a set-level relation."""
        return float("nan") if self.rate is None else self.rate.rate


def summarize(
    relation: str,
    origin: str,
    result: RelationResult,
    example_ids: Sequence[str] | np.ndarray,
    *,
    source: RelationResult | None = None,
    value: Interval | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> RelationSummary:
    """The summary of one result; `source`: the same relation on each pair's source pair (row
    i of both results belong to one pair), for the induced rate and the difference; `value`:
    a set-level relation's score with its interval (`relations.rates.set_interval`)."""
    ids = np.asarray(example_ids, dtype=object)
    if ids.shape != result.applicable.shape:
        raise ValueError(
            f"example_ids must have one entry per pair ({len(result.applicable)}), got {ids.shape}"
        )
    n_examples = len(set(ids.tolist()))
    if result.level == SET_LEVEL:
        applicable = bool(result.set_level.get("applicable"))
        holds = bool(result.set_level.get("holds")) if applicable else None
        reason = "" if applicable else why_undefined(len(ids), result.applicable, result.reason)
        if applicable and value is None:
            nan = float("nan")
            value = Interval(float(result.set_level["score"]), nan, nan, confidence, n_boot)
        return RelationSummary(
            relation, origin, SET_LEVEL, len(ids), int(applicable), int(holds is False),
            n_examples, None, None, value if applicable else None, holds, reason,
            dict(result.set_level),
        )  # fmt: skip
    options = {"n_boot": n_boot, "confidence": confidence, "seed": seed}
    rates = None
    if source is not None:
        rates = followup_rates(result.applicable, result.violations, source.applicable,
                               source.violations, ids, **options)  # fmt: skip
        rate = rates.rate
    else:
        rate = rate_interval(result.violations, result.applicable, ids, **options)
    return RelationSummary(
        relation=relation,
        origin=origin,
        level=result.level,
        n_pairs=len(ids),
        n_applicable=result.n_applicable,
        n_violations=result.n_violations,
        n_examples=len(set(ids[result.applicable].tolist())),
        rate=rate,
        rates=rates,
        value=None,
        holds=None,
        reason=why_undefined(len(ids), result.applicable, result.reason),
        set_level=dict(result.set_level),
    )


def baseline_pair(pair: OutputPair) -> OutputPair:
    """The source pairs of `pair`: each follow-up replaced by its source input's outputs."""
    return OutputPair(
        teacher_source=pair.teacher_source,
        student_source=pair.student_source,
        teacher_followup=pair.teacher_source,
        student_followup=pair.student_source,
        labels=pair.labels,
        teacher_hidden_source=pair.teacher_hidden_source,
        student_hidden_source=pair.student_hidden_source,
        teacher_hidden_followup=pair.teacher_hidden_source,
        student_hidden_followup=pair.student_hidden_source,
    )


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
    """The results per origin (the baseline `SOURCE` first) and their summaries, ordered by
    relation, then the baseline, then the origins as they first appear, then the pooled set.

    Row i of `pair` is a (source, follow-up) pair of example `example_ids[i]` made by
    `origins[i]`. The baseline has one pair per example (its first row). Every summary uses the
    same bootstrap seed.
    """
    ids = np.asarray(example_ids, dtype=object)
    origin_of = np.asarray(origins, dtype=object)
    if ids.shape != (len(pair),):
        raise ValueError(f"example_ids must have one entry per pair ({len(pair)}), got {ids.shape}")
    if SOURCE in set(origin_of.tolist()):
        raise ValueError(f"origin {SOURCE!r} is reserved for the baseline")
    named = _named(relations)
    baseline = baseline_pair(pair)
    first = np.sort(np.unique(ids.astype(str), return_index=True)[1]) if len(ids) else []
    source_rows = np.asarray(first, dtype=int)
    results = {SOURCE: evaluate_all(named, baseline.subset(source_rows))}
    results.update(evaluate_by_origin(named, pair, origin_of, pooled))
    source_checks = evaluate_all(named, baseline)
    masks = {SOURCE: None, **{o: origin_of == o for o in results if o not in (SOURCE, pooled)}}
    if pooled is not None:
        masks[pooled] = np.ones(len(pair), dtype=bool)
    options = {"n_boot": n_boot, "confidence": confidence, "seed": seed}
    summaries = []
    for relation_id, rel in named.items():
        for origin, mask in masks.items():
            result = results[origin][relation_id]
            if mask is None:
                origin_pair, origin_ids, source = (
                    baseline.subset(source_rows),
                    ids[source_rows],
                    None,
                )
            else:
                origin_pair, origin_ids = pair.subset(mask), ids[mask]
                source = _rows(source_checks[relation_id], mask)
            value = None
            if isinstance(rel, SetRelation) and result.set_level.get("applicable"):
                value = set_interval(rel, origin_pair, origin_ids, **options)
            summaries.append(summarize(relation_id, origin, result, origin_ids, source=source,
                                       value=value, **options))  # fmt: skip
    return results, summaries


def _rows(result: RelationResult, mask: np.ndarray) -> RelationResult:
    """The per-pair verdicts of `result` on the rows in `mask` (input-level results only)."""
    return RelationResult(
        applicable=result.applicable[mask],
        holds=result.holds[mask],
        score=result.score[mask],
        reason=result.reason[mask],
        level=result.level,
    )
