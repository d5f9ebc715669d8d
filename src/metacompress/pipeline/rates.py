"""Stage 6, relations: the rows of the ``rates`` table, from the saved verdicts.

For every relation and set (``source``, each follow-up, the pools ``transformations``,
``attacks`` and ``all``), with the definitions of `metacompress.relations.rates`:

- input-level relations: the violation rate with its interval (cluster bootstrap over
  examples, exact Clopper-Pearson when the rate is 0 or 1 or fewer than 30 examples carry it);
  on a follow-up set also the source rate on the same pairs, the induced rate (violations among
  the pairs whose source pair holds) and the difference rate - source rate, each with its
  interval; the source verdicts are those the run saved for the ``source`` set;
- set-level relations: the set's score with its bootstrap interval over examples and the
  verdict, never a rate of one verdict;
- ``any-paper-relation``: per pair, any of the four teacher-student relations of the study
  violated (`relations.union.any_violated`), when all four are configured;
- a rate over no applicable pair is NULL with the reason.

Rows name their pair ``teacher/STUDENT``. Each bootstrap is seeded by
`hashing.bootstrap_seed(seed, relation, set, student=STUDENT)`. With
``statistics.bootstrap: 0`` the bootstrap intervals are left out (NULL); exact ones remain.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from metacompress.hashing import bootstrap_seed
from metacompress.rundir.layout import STUDENT, TEACHER


def pair_name(student: str) -> str:
    """The ``pair`` column of the teacher with `student`."""
    return f"{TEACHER}/{student}"
INPUT, SET = "input", "set"
#: The method of an interval that was not computed.
NONE = "none"


def finite(value: Any) -> float | None:
    """`value` as a float, None when missing or not finite."""
    return float(value) if value is not None and math.isfinite(value) else None


@dataclass(frozen=True)
class Rate:
    """A row of the ``rates`` table (columns in `metacompress.rundir.schema`)."""

    relation: str
    followup: str
    pair: str
    level: str
    n_pairs: int
    n_examples: int
    applicable: int
    violations: int
    rate: float | None
    low: float | None
    high: float | None
    method: str
    source_rate: float | None
    induced_applicable: int
    induced_violations: int
    induced: float | None
    induced_low: float | None
    induced_high: float | None
    induced_method: str
    difference: float | None
    difference_low: float | None
    difference_high: float | None
    difference_method: str
    value: float | None
    value_low: float | None
    value_high: float | None
    holds: int | None
    reason: str

    def row(self) -> tuple:
        return tuple(asdict(self).values())

    def measure(self, name: str) -> float | None:
        """The number a gate reads: "rate", "induced", "difference" or "value"."""
        return {"rate": self.rate, "induced": self.induced, "difference": self.difference,
                "value": self.value}[name]  # fmt: skip


@dataclass(frozen=True, eq=False)
class Verdicts:
    """The saved verdicts of one input-level relation on one set, one entry per pair."""

    variant_ids: np.ndarray
    example_ids: np.ndarray
    applicable: np.ndarray
    violated: np.ndarray
    reasons: list[str]

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[Any, ...]]) -> Verdicts:
        """From (variant_id, example_id, applicable, holds, reason) rows."""
        applicable = np.array([bool(r[2]) for r in rows], dtype=bool)
        return cls(
            variant_ids=np.array([r[0] for r in rows], dtype=object),
            example_ids=np.array([r[1] for r in rows], dtype=object),
            applicable=applicable,
            violated=applicable & np.array([not r[3] for r in rows], dtype=bool),
            reasons=[str(r[4] or "") for r in rows],
        )

    def __len__(self) -> int:
        return len(self.variant_ids)


def _bounds(interval: Any, method: str, n_boot: int) -> tuple[float | None, float | None, str]:
    """(low, high, method) with bootstrap bounds dropped when no resample was asked for."""
    if method != "clopper-pearson" and not n_boot:
        return None, None, NONE
    return finite(interval.low), finite(interval.high), method


def input_rate(
    relation: str,
    followup: str,
    verdicts: Verdicts,
    source: Verdicts | None,
    *,
    n_boot: int,
    confidence: float,
    seed: int,
    student: str = STUDENT,
) -> Rate:
    """The row of an input-level relation on one set of the pair (teacher, `student`);
    `source`: the relation's verdicts on the source set (None for the source set itself)."""
    from metacompress.relations.rates import align_source, followup_rates, why_undefined
    from metacompress.stats.proportions import rate_interval

    options = {"n_boot": max(n_boot, 1), "confidence": confidence,
               "seed": bootstrap_seed(seed, relation, followup, student=student)}  # fmt: skip
    ids = verdicts.example_ids
    reason = why_undefined(len(verdicts), verdicts.applicable, verdicts.reasons)
    n_examples = len(set(ids[verdicts.applicable].tolist()))
    counts = (relation, followup, pair_name(student))
    if source is None:
        rate = rate_interval(verdicts.violated, verdicts.applicable, ids, **options)
        low, high, method = _bounds(rate, rate.method, n_boot)
        return Rate(*counts, INPUT, len(verdicts), n_examples, int(rate.denominator),
                    int(rate.numerator), finite(rate.rate), low, high, method, None, 0, 0,
                    None, None, None, NONE, None, None, None, NONE, None, None, None, None,
                    reason)  # fmt: skip
    src_applicable, src_violated = align_source(
        source.example_ids, source.applicable, source.violated, ids
    )
    r = followup_rates(verdicts.applicable, verdicts.violated, src_applicable, src_violated, ids,
                       **options)  # fmt: skip
    low, high, method = _bounds(r.rate, r.rate.method, n_boot)
    i_low, i_high, i_method = _bounds(r.induced, r.induced.method, n_boot)
    d_method = r.difference_method if r.difference_method != "bootstrap" or n_boot else NONE
    d_low, d_high = (finite(r.difference.low), finite(r.difference.high)) if d_method != NONE \
        else (None, None)  # fmt: skip
    return Rate(
        *counts, INPUT, len(verdicts), n_examples, int(r.rate.denominator),
        int(r.rate.numerator), finite(r.rate.rate), low, high, method, finite(r.source.rate),
        int(r.induced.denominator), int(r.induced.numerator), finite(r.induced.rate), i_low,
        i_high, i_method, finite(r.difference.estimate), d_low, d_high, d_method,
        None, None, None, None, reason,
    )  # fmt: skip


def set_rate(
    relation_id: str,
    followup: str,
    relation: Any,
    set_level: Mapping[str, float | None],
    outputs: Any,
    *,
    n_boot: int,
    confidence: float,
    seed: int,
    student: str = STUDENT,
    scorers: dict[str, Any] | None = None,
    shared: dict | None = None,
) -> Rate:
    """The row of a set-level relation on one set of the pair (teacher, `student`): its score
    (saved in `set_level`) with a bootstrap interval over examples, from the set's
    `verdicts.FollowupOutputs`. `scorers` (relation id -> the relation's `set_scorer` of these
    outputs) keeps each scorer made, for a set with the same outputs under another name
    (`relations.rates.set_interval`); `shared` is the scorers' memo of what several pairs
    have in common (the teacher's half of a precomputation, see `SetRelation.set_scorer`)."""
    from metacompress.relations.rates import set_interval

    n_pairs = len(outputs)
    n_examples = len(set(outputs.example_ids))
    counts = (relation_id, followup, pair_name(student), SET, n_pairs, n_examples)
    if not set_level.get("applicable"):
        reason = _set_reason(relation, outputs)
        return Rate(*counts, 0, 0, None, None, None, NONE, None, 0, 0, None, None, None, NONE,
                    None, None, None, NONE, None, None, None, None, reason)  # fmt: skip
    holds = int(bool(set_level.get("holds")))
    value, low, high = finite(set_level.get("score")), None, None
    if n_boot:
        pair = outputs.output_pair(True)
        scorer = None if scorers is None else scorers.get(relation_id)
        if scorer is None and scorers is not None and len(set(outputs.example_ids)) > 1:
            ids = np.asarray(outputs.example_ids, dtype=object)
            scorer = scorers[relation_id] = relation.set_scorer(pair, ids, shared)
        interval = set_interval(
            relation, pair, outputs.example_ids, n_boot=n_boot, confidence=confidence,
            seed=bootstrap_seed(seed, relation_id, followup, student=student), scorer=scorer,
        )  # fmt: skip
        low, high = finite(interval.low), finite(interval.high)
    return Rate(*counts, 1, 1 - holds, None, None, None, NONE, None, 0, 0, None, None, None,
                NONE, None, None, None, NONE, value, low, high, holds, "")  # fmt: skip


def _set_reason(relation: Any, outputs: Any) -> str:
    """Why a set-level relation did not apply: the reason it gives on the set."""
    from metacompress.relations.rates import NO_PAIRS

    if not len(outputs):
        return NO_PAIRS
    try:
        result = relation.check(outputs.output_pair(True))
    except Exception as error:  # the relation stage recorded it; say so here too
        return f"the relation raised {type(error).__name__}: {error}"
    reasons = [r for r in result.reason if r]
    return reasons[0] if reasons else "the relation does not apply to this set"


def union_rate(
    followup: str,
    members: Mapping[str, Verdicts],
    source: Verdicts | None,
    *,
    n_boot: int,
    confidence: float,
    seed: int,
    student: str = STUDENT,
) -> tuple[Rate, Verdicts | None]:
    """The ``any-paper-relation`` row of one set from its members' verdicts (one `Verdicts` per
    relation of `relations.union.PAPER_RELATIONS`, None where it is not configured), and the
    union's verdicts (to serve as the source of the follow-up sets)."""
    from metacompress.relations.base import RelationResult
    from metacompress.relations.union import ANY_PAPER_RELATION, PAPER_RELATIONS, any_violated

    missing = [name for name in PAPER_RELATIONS if members.get(name) is None]
    parts = [members[name] for name in PAPER_RELATIONS if name not in missing]
    if not missing and any(
        not np.array_equal(p.variant_ids, parts[0].variant_ids) for p in parts[1:]
    ):
        missing = ["(a member relation has no verdicts on some pairs: it raised)"]
    if missing:
        reason = "needs all four relations of the study configured; missing: " + ", ".join(missing)
        empty = Verdicts(np.zeros(0, dtype=object), np.zeros(0, dtype=object),
                         np.zeros(0, dtype=bool), np.zeros(0, dtype=bool), [])  # fmt: skip
        row = input_rate(ANY_PAPER_RELATION, followup, empty, None, n_boot=n_boot,
                         confidence=confidence, seed=seed, student=student)  # fmt: skip
        return _with_reason(row, reason), None
    union = any_violated([
        RelationResult(p.applicable, ~p.violated, np.where(p.violated, 0.0, 1.0),
                       reason=np.array(p.reasons, dtype=object))
        for p in parts
    ])  # fmt: skip
    verdicts = Verdicts(parts[0].variant_ids, parts[0].example_ids, union.applicable,
                        union.violations, [str(r) for r in union.reason])  # fmt: skip
    row = input_rate(ANY_PAPER_RELATION, followup, verdicts, source, n_boot=n_boot,
                     confidence=confidence, seed=seed, student=student)  # fmt: skip
    return row, verdicts


def _with_reason(rate: Rate, reason: str) -> Rate:
    values = asdict(rate)
    values["reason"] = reason
    return Rate(**values)
