import numpy as np
import pytest

from metacompress.errors import ConfigError
from metacompress.relations import (
    RELATIONS,
    evaluate_all,
    evaluate_and_aggregate,
    evaluate_by_origin,
)
from metacompress.relations.base import OutputPair
from metacompress.stats.proportions import rate_interval


def _pair_with_origins(seed=0, n_examples=15):
    rng = np.random.default_rng(seed)
    ids = np.repeat([f"ex{i}" for i in range(n_examples)], 4)
    origins = np.tile(["rename", "loop", "rename", "dead-code"], n_examples)
    n = len(ids)
    t = rng.dirichlet([1, 1], size=n)
    s = np.where(rng.random((n, 1)) < 0.7, t, rng.dirichlet([1, 1], size=n))
    reps = rng.normal(size=(n, 3))
    pair = OutputPair(
        t, t, s, s, rng.integers(0, 2, n), reps, reps, reps, reps + 0.1 * rng.normal(size=(n, 3))
    )
    return pair, ids, origins


def test_evaluate_all_keys_and_duplicates():
    pair, _, _ = _pair_with_origins()
    rels = [RELATIONS.create(n) for n in RELATIONS.names()]
    results = evaluate_all(rels, pair)
    assert list(results) == RELATIONS.names()
    named = evaluate_all(
        {
            "pa": RELATIONS.create("prediction-agreement"),
            "pa-strict": RELATIONS.create("prediction-agreement", min_margin=0.3),
        },  # fmt: skip
        pair,
    )
    assert named["pa"].n_violations <= named["pa-strict"].n_violations
    with pytest.raises(ConfigError, match="given twice"):
        evaluate_all([RELATIONS.create("flip-agreement")] * 2, pair)


def test_evaluate_by_origin_splits_and_pools():
    pair, _, origins = _pair_with_origins()
    rel = RELATIONS.create("distribution-similarity")
    results = evaluate_by_origin([rel], pair, origins)
    assert list(results) == ["rename", "loop", "dead-code", "all"]
    assert len(results["rename"]["distribution-similarity"].score) == 30
    np.testing.assert_array_equal(
        results["loop"]["distribution-similarity"].score, rel.check(pair).score[origins == "loop"]
    )
    with pytest.raises(ValueError, match="reserved"):
        evaluate_by_origin([rel], pair, np.where(origins == "loop", "all", origins))


def test_aggregate_counts_rates_and_clustered_intervals():
    pair, ids, origins = _pair_with_origins()
    rels = [RELATIONS.create("prediction-agreement"), RELATIONS.create("representation-drift")]
    results, summaries = evaluate_and_aggregate(rels, pair, ids, origins, n_boot=300, seed=5)
    assert [(s.relation, s.origin) for s in summaries] == [
        (r, o)
        for r in ("prediction-agreement", "representation-drift")
        for o in ("source", "rename", "loop", "dead-code", "all")
    ]
    by_key = {(s.relation, s.origin): s for s in summaries}
    full = RELATIONS.create("prediction-agreement").check(pair)
    pooled = by_key[("prediction-agreement", "all")]
    assert pooled.n_pairs == 60 and pooled.n_applicable == 60 and pooled.n_examples == 15
    assert pooled.n_violations == full.n_violations
    assert pooled.violation_rate == pytest.approx(full.n_violations / 60)
    expected = rate_interval(
        full.violations.astype(float), full.applicable.astype(float), ids, n_boot=300, seed=5
    )
    assert pooled.rate == expected
    assert pooled.rate.low <= pooled.violation_rate <= pooled.rate.high
    rename = by_key[("prediction-agreement", "rename")]
    mask = origins == "rename"
    assert rename.n_violations == int(full.violations[mask].sum()) and rename.n_pairs == 30
    assert sum(by_key[("prediction-agreement", o)].n_violations
               for o in ("rename", "loop", "dead-code")) == pooled.n_violations  # fmt: skip
    drift = by_key[("representation-drift", "loop")]
    assert drift.level == "set" and drift.n_applicable == 1 and drift.rate is None
    assert drift.holds == bool(results["loop"]["representation-drift"].set_level["holds"])
    assert drift.value.estimate == results["loop"]["representation-drift"].set_level["score"]
    assert drift.value.low < drift.value.estimate < drift.value.high
    assert "cka_followup" in drift.set_level


def test_the_baseline_row_is_each_example_once_on_its_source_pair():
    pair, ids, origins = _pair_with_origins()
    rel = RELATIONS.create("prediction-agreement")
    results, summaries = evaluate_and_aggregate([rel], pair, ids, origins, n_boot=100)
    source = summaries[0]
    assert source.origin == "source" and source.rates is None
    first = [list(ids).index(e) for e in dict.fromkeys(ids)]
    teacher = pair.teacher_source[first].argmax(axis=1)
    student = pair.student_source[first].argmax(axis=1)
    assert source.n_pairs == 15 and source.n_violations == int(np.sum(teacher != student))
    pooled = summaries[-1]
    # the matched source rate weights each example's source pair by its follow-ups (4 each)
    assert pooled.rates.source.rate == pytest.approx(source.violation_rate)
    assert pooled.rates.difference.estimate == pytest.approx(
        pooled.violation_rate - source.violation_rate
    )


def test_aggregate_of_an_empty_origin_set():
    empty = OutputPair(*(np.zeros((0, 2)),) * 4)
    results, summaries = evaluate_and_aggregate(
        [RELATIONS.create("flip-agreement")], empty, [], [], n_boot=10
    )
    assert [s.origin for s in summaries] == ["source", "all"]
    assert summaries[1].n_applicable == 0 and np.isnan(summaries[1].violation_rate)
    assert summaries[1].reason == "no pairs in this set"
