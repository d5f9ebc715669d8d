"""Rates read against the baseline: by hand, and recovered from planted teacher/student pairs."""

import numpy as np
import pytest

from metacompress.relations import RELATIONS, OutputPair, evaluate_and_aggregate
from metacompress.relations.rates import (
    align_source,
    followup_rates,
    set_interval,
    why_undefined,
)
from metacompress.stats.proportions import clopper_pearson


def test_induced_rate_and_difference_by_hand():
    ids = np.array(["a", "a", "b", "b", "c", "c", "d", "d"])
    applicable = np.array([1, 1, 1, 1, 1, 1, 1, 0], dtype=bool)
    violated = np.array([1, 1, 0, 1, 0, 0, 1, 0], dtype=bool)
    src_applicable, src_violated = align_source(
        ["a", "b", "c", "d"], np.array([1, 1, 1, 0], bool), np.array([1, 0, 0, 0], bool), ids
    )
    assert src_violated.tolist() == [1, 1, 0, 0, 0, 0, 0, 0]
    assert src_applicable.tolist() == [1, 1, 1, 1, 1, 1, 0, 0]
    r = followup_rates(applicable, violated, src_applicable, src_violated, ids, n_boot=200)
    assert r.rate.rate == pytest.approx(4 / 7)
    # source held on b and c (4 follow-ups): one of them is violated; a's source was violated
    # already, d's source does not apply
    assert (r.induced.numerator, r.induced.denominator) == (1, 4)
    assert r.source.rate == pytest.approx(2 / 6)
    assert r.difference.estimate == pytest.approx(4 / 7 - 2 / 6)
    # 4 examples carry it: exact intervals over examples, and a conservative difference
    assert r.induced.method == "clopper-pearson" and r.induced.n_clusters == 2
    assert (r.induced.low, r.induced.high) == pytest.approx(clopper_pearson(0.5, 2))
    assert r.difference_method == "exact-bonferroni"
    assert r.difference.low < r.difference.estimate < r.difference.high


def test_follow_ups_without_a_source_verdict_are_not_induced():
    src_applicable, src_violated = align_source(
        ["a"], np.array([True]), np.array([False]), ["a", "z"]
    )
    assert src_applicable.tolist() == [True, False] and src_violated.tolist() == [False, False]
    empty = align_source([], np.zeros(0, bool), np.zeros(0, bool), ["a"])
    assert empty[0].tolist() == [False]


def test_a_rate_over_no_applicable_pair_is_undefined_with_the_reason():
    r = followup_rates(np.zeros(3, bool), np.zeros(3, bool), np.ones(3, bool), np.zeros(3, bool),
                       ["a", "b", "c"], n_boot=10)  # fmt: skip
    assert np.isnan(r.rate.rate) and np.isnan(r.induced.rate) and np.isnan(r.difference.estimate)
    assert r.difference_method == "undefined"
    reasons = ["teacher confidence below 0.9"] * 2 + ["non-finite probabilities"]
    assert (
        why_undefined(3, np.zeros(3, bool), reasons)
        == "teacher confidence below 0.9 (2 of 3 pairs)"
    )
    assert why_undefined(0, np.zeros(0, bool), []) == "no pairs in this set"
    assert why_undefined(2, np.array([True, False]), ["", "x"]) == ""


def test_set_interval_is_a_bootstrap_over_examples():
    rng = np.random.default_rng(2)
    n = 120
    labels = rng.integers(0, 2, n)
    t = rng.dirichlet([2, 2], size=n)
    s = rng.dirichlet([2, 2], size=n)
    pair = OutputPair(t, s, t, s, labels)
    ids = np.repeat(np.arange(40), 3)
    rel = RELATIONS.create("ece-gap")
    value = set_interval(rel, pair, ids, n_boot=200, seed=1)
    assert value.estimate == pytest.approx(rel.check(pair).set_level["score"])
    assert value.low < value.high
    with pytest.raises(ValueError, match="one entry per pair"):
        set_interval(rel, pair, ids[:5])
    made = rel.set_scorer(pair, ids.astype(object))  # made once, drawn with two seeds
    for seed in (1, 2):
        assert set_interval(rel, pair, ids, n_boot=200, seed=seed, scorer=made) == set_interval(
            rel, pair, ids, n_boot=200, seed=seed
        )


# -- planted teacher/student pairs ------------------------------------------------------------

#: Design: P(student disagrees with the teacher on the clean input), and per follow-up set
#: P(a follow-up breaks agreement that held on the source), averaged over examples.
BASELINE = 0.25
INDUCED = {"rename": 0.15, "loop": 0.05, "dead-code": 0.30}
KEPT_DISAGREEING = 0.8  # P(still disagreeing on a follow-up | disagreeing on the source)


def planted(rng: np.random.Generator, n_examples: int = 80, per_set: int = 3):
    """Teacher and student outputs with the design above; the induced probability varies by
    example (Beta around the set's design value), so follow-ups of one example are correlated."""
    origins = np.repeat(np.array(list(INDUCED), dtype=object), per_set)
    ids, origin_of, t_src, s_src, t_fu, s_fu = [], [], [], [], [], []
    for e in range(n_examples):
        teacher_label = rng.integers(0, 2)
        disagree_source = rng.random() < BASELINE
        student_label = 1 - teacher_label if disagree_source else teacher_label
        for origin in origins:
            q = INDUCED[origin]
            p = KEPT_DISAGREEING if disagree_source else rng.beta(4 * q / (1 - q), 4)
            disagree = rng.random() < p
            ids.append(f"e{e}")
            origin_of.append(origin)
            t_src.append(teacher_label)
            s_src.append(student_label)
            t_fu.append(teacher_label)
            s_fu.append(1 - teacher_label if disagree else teacher_label)

    def probs(labels):
        p1 = np.where(np.asarray(labels) == 1, 0.8, 0.2)
        return np.column_stack([1 - p1, p1])

    pair = OutputPair(probs(t_src), probs(s_src), probs(t_fu), probs(s_fu))
    return pair, np.array(ids, dtype=object), np.array(origin_of, dtype=object)


def test_planted_design_is_recovered_with_intervals_that_cover_it():
    rng = np.random.default_rng(2024)
    rel = RELATIONS.create("prediction-agreement")
    covered = {origin: 0 for origin in [*INDUCED, "source"]}
    estimates = {origin: [] for origin in INDUCED}
    runs = 200
    for sim in range(runs):
        pair, ids, origins = planted(rng)
        _, summaries = evaluate_and_aggregate([rel], pair, ids, origins, n_boot=400, seed=sim)
        by_origin = {s.origin: s for s in summaries}
        source = by_origin["source"].rate
        covered["source"] += source.low <= BASELINE <= source.high
        for origin, q in INDUCED.items():
            induced = by_origin[origin].rates.induced
            estimates[origin].append(induced.rate)
            covered[origin] += induced.low <= q <= induced.high
    for origin, q in INDUCED.items():
        assert np.mean(estimates[origin]) == pytest.approx(q, abs=0.02)
    for origin, count in covered.items():
        assert count / runs >= 0.90, (origin, count)


def test_a_set_from_one_example_has_a_value_and_no_interval():
    t = np.array([[0.2, 0.8], [0.3, 0.7]])
    s = np.array([[0.6, 0.4], [0.1, 0.9]])
    pair = OutputPair(t, s, t, s, np.array([1, 1]))
    value = set_interval(RELATIONS.create("ece-gap"), pair, ["e", "e"], n_boot=50)
    assert value.estimate == pytest.approx(
        RELATIONS.create("ece-gap").check(pair).set_level["score"]
    )
    assert np.isnan(value.low) and np.isnan(value.high)
