"""Representation drift's bootstrap scorer on the source set, where follow-ups are sources."""

import numpy as np

from metacompress.relations import RELATIONS, OutputPair
from metacompress.relations.rates import set_interval


def test_source_set_scores_zero_drift_for_every_weighting():
    rng = np.random.default_rng(0)
    n = 40
    probs = rng.dirichlet([1, 1], size=n)
    teacher, student = rng.normal(size=(n, 6)), rng.normal(size=(n, 4))
    pair = OutputPair(probs, probs, probs, probs, rng.integers(0, 2, n),
                      teacher_hidden_source=teacher, student_hidden_source=student,
                      teacher_hidden_followup=teacher.copy(),
                      student_hidden_followup=student.copy())  # fmt: skip
    ids = np.arange(n) // 2
    rel = RELATIONS.create("representation-drift")
    scorer = rel.set_scorer(pair, ids)
    block = rng.integers(0, 3, (6, n // 2))[:, ids].astype(float)
    block[0] = 0.0  # nothing drawn: the CKAs are undefined
    scores = scorer.many(block)
    assert np.isnan(scores[0])
    assert np.array_equal(scores[1:], np.zeros(5))
    interval = set_interval(rel, pair, ids, n_boot=50, seed=1)
    assert (interval.estimate, interval.low, interval.high) == (0.0, 0.0, 0.0)
