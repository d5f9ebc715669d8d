"""One suite run over every registered relation (the scikit-learn way)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from metacompress.errors import ConfigError
from metacompress.registry import get_params
from metacompress.relations.base import RELATIONS, SET_LEVEL, OutputPair, Relation

NAMES = RELATIONS.names()


def test_registry_holds_the_issue_relations():
    assert set(NAMES) == {
        "prediction-agreement",
        "flip-agreement",
        "distribution-similarity",
        "high-confidence",
        "calibration-alignment",
        "label-invariance-teacher",
        "label-invariance-student",
        "representation-drift",
        "ece-gap",
    }


@pytest.mark.parametrize("name", NAMES)
def test_default_construction_and_params_round_trip(name):
    rel = RELATIONS.create(name)
    assert isinstance(rel, Relation) and rel.name == name
    assert type(rel)(**get_params(rel)) == rel
    assert RELATIONS.create(name, **get_params(rel)) == rel
    assert RELATIONS.entry(name).description
    doc = type(rel).__doc__ or ""
    for param in get_params(rel):  # every default is documented with its reason
        assert re.search(rf"\b{param} = ", doc), f"{name}: docstring lacks the default of {param}"
    if rel.threshold_param is not None:
        assert rel.threshold_param in get_params(rel)
    assert isinstance(rel.threshold, float)


@pytest.mark.parametrize("name", NAMES)
def test_invalid_params_raise_config_error(name):
    rel = RELATIONS.create(name)
    for param in get_params(rel):
        for bad in ("bogus", -5.0, 7.5):
            with pytest.raises(ConfigError, match=param):
                RELATIONS.create(name, **{param: bad})
    with pytest.raises(ConfigError, match="no parameter"):
        RELATIONS.create(name, not_a_parameter=1)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n", [0, 1, 9])
def test_output_shapes_and_verdict_contract(name, n, make_pair):
    rel = RELATIONS.create(name)
    pair = make_pair(seed=n, n=n)
    result = rel.check(pair)
    for array in (result.applicable, result.holds, result.score, result.reason):
        assert array.shape == (n,)
    assert result.applicable.dtype == bool and result.holds.dtype == bool
    assert result.level == rel.level
    np.testing.assert_array_equal(result.holds, rel.holds_at(result.score, rel.threshold))
    assert np.all(np.isnan(result.score[~result.applicable]))
    assert np.all(result.holds[~result.applicable])
    assert all(r == "" for r in result.reason[result.applicable])
    assert all(r for r in result.reason[~result.applicable])
    for column in result.details.values():
        assert len(column) == n
    assert all(isinstance(v, float) for v in result.set_level.values())
    if rel.level == SET_LEVEL:
        assert not result.applicable.any()
        assert "applicable" in result.set_level
        if result.set_level["applicable"]:
            score = np.array([result.set_level["score"]])
            assert result.set_level["holds"] == float(rel.holds_at(score, rel.threshold)[0])


@pytest.mark.parametrize("name", NAMES)
def test_deterministic(name, make_pair):
    rel = RELATIONS.create(name)
    a, b = rel.check(make_pair(3)), rel.check(make_pair(3))
    np.testing.assert_array_equal(a.score, b.score)
    assert a.set_level.keys() == b.set_level.keys()


@pytest.mark.parametrize("name", NAMES)
def test_identical_student_violates_nothing_it_compares(name, make_pair):
    """An identical student never departs from its teacher; the per-model relation
    (label invariance) gives the student exactly the teacher's verdicts."""
    rel = RELATIONS.create(name)
    pair = make_pair(seed=11, n=40, identical=True)
    result = rel.check(pair)
    if name == "label-invariance-student":
        teacher = RELATIONS.create("label-invariance-teacher").check(pair)
        np.testing.assert_array_equal(result.holds, teacher.holds)
        np.testing.assert_array_equal(result.score, teacher.score)
        return
    if name == "label-invariance-teacher":
        return
    assert result.n_violations == 0
    if rel.level == SET_LEVEL:
        assert result.set_level["applicable"] == 1.0 and result.set_level["holds"] == 1.0


@pytest.mark.parametrize("name", NAMES)
def test_identical_invariant_models_violate_nothing(name):
    """Teacher = student and follow-up outputs = source outputs: no relation can fail."""
    rng = np.random.default_rng(5)
    probs = rng.dirichlet([1.0, 1.0], size=25)
    reps = rng.normal(size=(25, 8))
    pair = OutputPair(probs, probs, probs, probs, rng.integers(0, 2, 25), reps, reps, reps, reps)
    result = RELATIONS.create(name).check(pair)
    assert result.n_violations == 0
    assert result.set_level.get("holds", 1.0) == 1.0


@pytest.mark.parametrize("name", NAMES)
def test_non_finite_rows_are_reported_not_applicable(name, make_pair):
    pair = make_pair(seed=2, n=10)
    bad = OutputPair(
        *(
            np.where(np.arange(10)[:, None] == 4, np.nan, a)
            for a in (
                pair.teacher_source,
                pair.student_source,
                pair.teacher_followup,
                pair.student_followup,
            )
        ),  # fmt: skip
        pair.labels,
    )
    rel = RELATIONS.create(name)
    result = rel.check(bad)
    assert not result.applicable[4]
    if rel.level != SET_LEVEL:
        assert result.reason[4] == "non-finite probabilities"
        clean = rel.check(pair)
        keep = np.arange(10) != 4
        # the other rows are judged as before (set-level numbers may move)
        np.testing.assert_array_equal(result.applicable[keep], clean.applicable[keep])
        np.testing.assert_array_equal(result.holds[keep], clean.holds[keep])


@pytest.mark.parametrize("name", NAMES)
def test_needs_hidden_flag_is_truthful(name, make_pair):
    rel = RELATIONS.create(name)
    with_reps = rel.check(make_pair(seed=8, n=12))
    without = rel.check(make_pair(seed=8, n=12, hidden=False))
    if rel.needs_hidden:
        assert with_reps.set_level.get("applicable") == 1.0
        assert without.set_level.get("applicable") == 0.0
    else:
        np.testing.assert_array_equal(with_reps.score, without.score)
        assert with_reps.set_level.keys() == without.set_level.keys()


@pytest.mark.parametrize("name", [n for n in NAMES if RELATIONS.create(n).level == SET_LEVEL])
def test_set_score_is_the_checked_score_and_weights_count_rows(name, make_pair):
    rel = RELATIONS.create(name)
    pair = make_pair(seed=6, n=30)
    result = rel.check(pair)
    assert result.set_level["applicable"] == 1.0
    assert rel.set_score(pair) == pytest.approx(result.set_level["score"])
    assert rel.set_score(pair, np.ones(30)) == pytest.approx(result.set_level["score"])
    weights = np.random.default_rng(1).integers(0, 3, 30)
    copied = pair.subset(np.repeat(np.arange(30), weights))
    assert rel.set_score(pair, weights.astype(float)) == pytest.approx(
        rel.check(copied).set_level["score"]
    )
    assert rel.set_scorer(pair)(weights.astype(float)) == pytest.approx(
        rel.set_score(pair, weights.astype(float))
    )
    clusters = np.arange(30) // 3  # weights constant within each cluster of three pairs
    drawn = np.random.default_rng(2).integers(0, 3, 10)[clusters].astype(float)
    assert rel.set_scorer(pair, clusters)(drawn) == pytest.approx(rel.set_score(pair, drawn))
