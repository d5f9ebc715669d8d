"""Any of several relations violated on a pair: the paper's "violations" read per pair.

The four relations between teacher and student that the study names (`PAPER_RELATIONS`): label
agreement, distribution similarity, high-confidence preservation and calibration alignment.
For pair i and relations R_1..R_m with verdicts (a_ij applicable, v_ij violated):

    applicable_i = any_j a_ij,     violated_i = any_j v_ij,     score_i = sum_j v_ij,

the number of relations the pair violates (NaN where none applies). The rate of violated_i over
applicable_i is "the share of pairs on which the student departs from the teacher in at least
one of these ways", the likely reading of a headline such as "up to 62 % violations". Every
violation of a member is a violation of the union.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from metacompress.relations.base import RelationResult

#: The id under which runs report the union of `PAPER_RELATIONS`.
ANY_PAPER_RELATION = "any-paper-relation"
#: The registered names of the four teacher-student relations the union is taken over.
PAPER_RELATIONS = (
    "prediction-agreement",
    "distribution-similarity",
    "high-confidence",
    "calibration-alignment",
)


def any_violated(results: Sequence[RelationResult]) -> RelationResult:
    """Per pair: applicable where any relation applies, violated where any is violated."""
    if not results:
        raise ValueError("any_violated needs at least one relation result")
    n = len(results[0].applicable)
    if any(len(r.applicable) != n for r in results):
        raise ValueError(f"results differ in length: {[len(r.applicable) for r in results]}")
    applicable = np.zeros(n, dtype=bool)
    count = np.zeros(n)
    for result in results:
        applicable |= result.applicable
        count += result.violations
    reason = np.where(applicable, "", "none of the relations applies").astype(object)
    return RelationResult(
        applicable=applicable,
        holds=count == 0,
        score=np.where(applicable, count, np.nan),
        reason=reason,
    )
