"""Representation drift: the teacher's and student's internal views of the inputs stay as
similar on the follow-ups as on the sources.

A set-level relation (linear CKA compares whole sets of representations, and teacher and
student vectors live in different spaces). With X_T, X_S the pooled hidden representations of
the n pairs' inputs,

    score = CKA(X_T(sources), X_S(sources)) - CKA(X_T(follow-ups), X_S(follow-ups)),

the drop in teacher-student similarity that the follow-ups cause; holds iff
score <= max_drift. It applies when both models expose representations for sources and
follow-ups, on the rows where all four are finite, if at least two such rows remain and neither
CKA is undefined. A source repeated for several follow-ups is counted once per pair.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from metacompress.registry import check_range
from metacompress.relations.base import (
    JUDGED_AS_SET,
    Evaluation,
    OutputPair,
    SetRelation,
    finite_rows,
    relation,
)
from metacompress.stats.cka import ClusteredCKA, linear_cka

NO_HIDDEN = "a model exposes no hidden representations"
CKA_UNDEFINED = "CKA undefined (fewer than 2 finite rows or constant representations)"
#: Up to this many pairs `set_scorer` precomputes cluster-level products of the Gram matrices
#: (n x n each), so each weighting costs O(n g) for g clusters instead of O(n d1 d2); above
#: it, each weighting recomputes the CKAs.
GRAM_LIMIT = 3000


def _representations(pair: OutputPair) -> tuple[np.ndarray, ...] | None:
    reps = (
        pair.teacher_hidden_source,
        pair.student_hidden_source,
        pair.teacher_hidden_followup,
        pair.student_hidden_followup,
    )
    return None if any(r is None for r in reps) else reps


@relation(
    "representation-drift",
    "teacher-student linear CKA drops by at most max_drift from sources to follow-ups",
)
@dataclass(frozen=True)
class RepresentationDrift(SetRelation):
    """CKA(T, S on sources) - CKA(T, S on follow-ups) <= max_drift (see the module docstring).

    Default max_drift = 0.1, a tenth of CKA's range: CKA between corresponding layers of
    networks trained from different seeds varies by a few hundredths (Kornblith et al. 2019),
    so a drop beyond 0.1 is the follow-ups pulling the two models apart, not noise.
    """

    max_drift: float = 0.1

    needs_hidden = True
    higher_is_better = False
    threshold_param = "max_drift"

    def __post_init__(self) -> None:
        check_range("max_drift", self.max_drift, 0.0, 1.0)

    def _ckas(self, pair: OutputPair, weights: np.ndarray | None) -> tuple[float, float, int]:
        reps = _representations(pair)
        if reps is None:
            return float("nan"), float("nan"), 0
        rows = finite_rows(*reps)
        w = None if weights is None else np.asarray(weights, dtype=float)[rows]
        t_src, s_src, t_fu, s_fu = (r[rows] for r in reps)
        return linear_cka(t_src, s_src, w), linear_cka(t_fu, s_fu, w), int(rows.sum())

    def set_score(self, pair: OutputPair, weights: np.ndarray | None = None) -> float:
        cka_source, cka_followup, _ = self._ckas(pair, weights)
        return cka_source - cka_followup

    def set_scorer(
        self, pair: OutputPair, clusters: np.ndarray | None = None,
        shared: dict | None = None,
    ) -> Callable[[np.ndarray], float]:  # fmt: skip
        """With `clusters`, the CKAs of each weighting from cluster-level products computed
        once (`stats.cka.ClusteredCKA`), up to GRAM_LIMIT pairs; each representation's half
        of them is kept in (and taken from) `shared`, so the teacher's is computed once for
        all students."""
        reps = _representations(pair)
        if reps is None or clusters is None or len(pair) > GRAM_LIMIT:
            return super().set_scorer(pair, clusters)
        rows = finite_rows(*reps)
        ids = np.asarray(clusters, dtype=object)[rows]
        if rows.sum() < 2:
            return super().set_scorer(pair, clusters)
        t_src, s_src, t_fu, s_fu = (r[rows] for r in reps)
        source = ClusteredCKA(t_src, s_src, ids, shared)
        same = np.array_equal(t_src, t_fu) and np.array_equal(s_src, s_fu)  # the source set
        followup = source if same else ClusteredCKA(t_fu, s_fu, ids, shared)

        def score(weights: np.ndarray) -> float:
            counts = source.cluster_counts(np.asarray(weights, dtype=float)[rows])
            return source(counts) - followup(counts)

        def many(weights: np.ndarray) -> np.ndarray:
            counts = source.cluster_counts(np.asarray(weights, dtype=float)[:, rows])
            at_source = source.many(counts)
            return at_source - (at_source if same else followup.many(counts))

        score.many = many  # type: ignore[attr-defined]  # a block of resamples at once
        return score

    def _evaluate(self, pair: OutputPair) -> Evaluation:
        n = len(pair)
        nothing = np.zeros(n, dtype=bool), np.full(n, np.nan)
        if _representations(pair) is None:
            return Evaluation(*nothing, np.full(n, NO_HIDDEN, dtype=object), {"applicable": 0.0})
        cka_source, cka_followup, used = self._ckas(pair, None)
        set_level = {"cka_source": cka_source, "cka_followup": cka_followup, "n_used": float(used)}
        if np.isnan(cka_source) or np.isnan(cka_followup):
            return Evaluation(
                *nothing, np.full(n, CKA_UNDEFINED, dtype=object), set_level | {"applicable": 0.0}
            )
        return Evaluation(
            *nothing,
            np.full(n, JUDGED_AS_SET, dtype=object),
            set_level | {"applicable": 1.0, "score": cka_source - cka_followup},
        )
