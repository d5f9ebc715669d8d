"""Conformance checks of a relation (the scikit-learn `check_estimator` way).

Every relation must: construct with its defaults, round-trip its parameters and document the
default of each (``name = value`` in its docstring); name its threshold parameter; reject bad
values of every parameter with a ConfigError that names it; give per-pair arrays of the right
shape and dtype whose verdicts follow the contract (not applicable: holds, score NaN, a reason;
holds = `holds_at(score, threshold)`); be deterministic; find no violation between identical
models that it compares (unless it judges one model alone, `model` set); find none when
nothing changes at all; mark rows with non-finite probabilities not applicable without
changing the other rows; read hidden representations only when it says it needs them; and,
judged on the set, report its `set_score`, with weights counting rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from metacompress.relations.base import SET_LEVEL, OutputPair

Check = Callable[[type], None]


def binary(p1: Any) -> np.ndarray:
    """(n, 2) probabilities from the positive-class probabilities p1."""
    p1 = np.asarray(p1, dtype=float)
    return np.column_stack([1 - p1, p1])


def random_pair(seed: int, n: int = 30, hidden: bool = True, identical: bool = False) -> OutputPair:
    """Random outputs of n pairs, labels in {-1, 0, 1}; `identical`: the student's outputs and
    representations are the teacher's; `hidden`: with representations (teacher d = 6, student
    d = 4 unless identical)."""
    rng = np.random.default_rng(seed)
    t_src, t_fu = binary(rng.random(n)), binary(rng.random(n))
    s_src, s_fu = (t_src, t_fu) if identical else (binary(rng.random(n)), binary(rng.random(n)))
    reps = {}
    if hidden:
        t_hs, t_hf = rng.normal(size=(n, 6)), rng.normal(size=(n, 6))
        s_hs, s_hf = (
            (t_hs, t_hf) if identical else (rng.normal(size=(n, 4)), rng.normal(size=(n, 4)))
        )
        reps = dict(
            teacher_hidden_source=t_hs,
            student_hidden_source=s_hs,
            teacher_hidden_followup=t_hf,
            student_hidden_followup=s_hf,
        )
    labels = rng.integers(-1, 2, n)
    return OutputPair(t_src, s_src, t_fu, s_fu, labels, **reps)


def _resolve(relation: str | type) -> type:
    from metacompress.relations.base import RELATIONS

    return RELATIONS.get(relation) if isinstance(relation, str) else relation


def check_parameters(cls: type) -> None:
    """Defaults construct; parameters round-trip and are documented; the threshold is one."""
    from metacompress.registry import get_params
    from metacompress.relations.base import RELATIONS, Relation

    rel = cls()
    assert isinstance(rel, Relation), f"{cls.__name__} is not a Relation"
    assert type(rel)(**get_params(rel)) == rel, f"{rel.name}: params do not round-trip"
    if rel.name in RELATIONS:
        assert RELATIONS.create(rel.name, **get_params(rel)) == rel
        assert RELATIONS.entry(rel.name).description, f"{rel.name}: no description"
    doc = cls.__doc__ or ""
    for param in get_params(rel):
        assert re.search(rf"\b{param} = ", doc), (
            f"{rel.name}: docstring lacks the default of {param}"
        )
    if rel.threshold_param is not None:
        assert rel.threshold_param in get_params(rel), f"{rel.name}: threshold is no parameter"
    assert isinstance(rel.threshold, float), f"{rel.name}: threshold is not a float"


def check_rejects_bad_parameters(cls: type) -> None:
    """A wrong type or an out-of-range value of each parameter is a ConfigError naming it."""
    from metacompress.errors import ConfigError
    from metacompress.registry import get_params

    for param in get_params(cls()):
        for bad in ("bogus", -5.0, 7.5):
            try:
                cls(**{param: bad})
            except ConfigError as error:
                assert param in str(error), f"{cls.name}: the error does not name {param}"
                continue
            raise AssertionError(f"{cls.name}: {param}={bad!r} was accepted")


def check_verdict_contract(cls: type) -> None:
    """Per-pair arrays of shape (n,); verdicts follow the contract, for n = 0, 1 and 9."""
    rel = cls()
    for n in (0, 1, 9):
        result = rel.check(random_pair(seed=n, n=n))
        for array in (result.applicable, result.holds, result.score, result.reason):
            assert array.shape == (n,), f"{rel.name}: an array of shape {array.shape}, n = {n}"
        assert result.applicable.dtype == bool and result.holds.dtype == bool
        assert result.level == rel.level
        np.testing.assert_array_equal(result.holds, rel.holds_at(result.score, rel.threshold))
        assert np.all(np.isnan(result.score[~result.applicable])), f"{rel.name}: scores"
        assert np.all(result.holds[~result.applicable]), f"{rel.name}: n/a pairs must hold"
        assert all(r == "" for r in result.reason[result.applicable])
        assert all(r for r in result.reason[~result.applicable]), f"{rel.name}: no reason"
        assert all(len(column) == n for column in result.details.values())
        assert all(isinstance(v, float) for v in result.set_level.values())
        if rel.level == SET_LEVEL:
            assert not result.applicable.any() and "applicable" in result.set_level
            if result.set_level["applicable"]:
                score = np.array([result.set_level["score"]])
                assert result.set_level["holds"] == float(rel.holds_at(score, rel.threshold)[0])


def check_deterministic(cls: type) -> None:
    """The same outputs give the same scores and set-level numbers."""
    rel = cls()
    a, b = rel.check(random_pair(3)), rel.check(random_pair(3))
    np.testing.assert_array_equal(a.score, b.score)
    assert a.set_level.keys() == b.set_level.keys()


def check_identical_models_agree(cls: type) -> None:
    """A student identical to its teacher violates nothing a relation between them judges (a
    relation that judges one model alone, `model` set, is exempt)."""
    rel = cls()
    if getattr(rel, "model", ""):
        return
    result = rel.check(random_pair(seed=11, n=40, identical=True))
    assert result.n_violations == 0, f"{rel.name}: {result.n_violations} violations"
    if rel.level == SET_LEVEL:
        assert result.set_level["applicable"] == 1.0 and result.set_level["holds"] == 1.0


def check_nothing_changes_nothing_fails(cls: type) -> None:
    """Teacher = student and follow-up outputs = source outputs: no violation."""
    rng = np.random.default_rng(5)
    probs = rng.dirichlet([1.0, 1.0], size=25)
    reps = rng.normal(size=(25, 8))
    pair = OutputPair(probs, probs, probs, probs, rng.integers(0, 2, 25), reps, reps, reps, reps)
    result = cls().check(pair)
    assert result.n_violations == 0, f"{cls.name}: violated on unchanged outputs"
    assert result.set_level.get("holds", 1.0) == 1.0


def check_non_finite_rows(cls: type) -> None:
    """A row with NaN probabilities is not applicable; the other rows are judged as before."""
    pair = random_pair(seed=2, n=10)
    names = ("teacher_source", "student_source", "teacher_followup", "student_followup")
    arrays = [np.where(np.arange(10)[:, None] == 4, np.nan, getattr(pair, a)) for a in names]
    rel = cls()
    result = rel.check(OutputPair(*arrays, pair.labels))
    assert not result.applicable[4], f"{rel.name}: a NaN row was judged"
    if rel.level != SET_LEVEL:
        assert result.reason[4] == "non-finite probabilities"
        clean, keep = rel.check(pair), np.arange(10) != 4
        np.testing.assert_array_equal(result.applicable[keep], clean.applicable[keep])
        np.testing.assert_array_equal(result.holds[keep], clean.holds[keep])


def check_needs_hidden(cls: type) -> None:
    """`needs_hidden` is truthful: without representations such a relation does not apply,
    and any other relation gives the same scores."""
    rel = cls()
    with_reps = rel.check(random_pair(seed=8, n=12))
    without = rel.check(random_pair(seed=8, n=12, hidden=False))
    if rel.needs_hidden:
        assert with_reps.set_level.get("applicable") == 1.0
        assert without.set_level.get("applicable") == 0.0
    else:
        np.testing.assert_array_equal(with_reps.score, without.score)
        assert with_reps.set_level.keys() == without.set_level.keys()


def check_set_score(cls: type) -> None:
    """A set-level relation's `set_score` is the score `check` reports, weights count rows
    (weight w on a row scores as w copies of it), and its `set_scorer` (for bootstrap draws,
    per row or per cluster, one weighting or a block of them) gives the same scores."""
    rel = cls()
    if rel.level != SET_LEVEL:
        return
    pair = random_pair(seed=6, n=30)
    result = rel.check(pair)
    assert result.set_level["applicable"] == 1.0, f"{rel.name}: not applicable to 30 pairs"
    score = result.set_level["score"]
    np.testing.assert_allclose(rel.set_score(pair), score, rtol=1e-6)
    np.testing.assert_allclose(rel.set_score(pair, np.ones(30)), score, rtol=1e-6)
    weights = np.random.default_rng(1).integers(0, 3, 30)
    copied = pair.subset(np.repeat(np.arange(30), weights))
    np.testing.assert_allclose(
        rel.set_score(pair, weights.astype(float)), rel.check(copied).set_level["score"], rtol=1e-6
    )
    np.testing.assert_allclose(
        rel.set_scorer(pair)(weights.astype(float)),
        rel.set_score(pair, weights.astype(float)),
        rtol=1e-6,
    )
    clusters = np.arange(30) // 3  # weights constant within each cluster of three pairs
    drawn = np.random.default_rng(2).integers(0, 3, 10)[clusters].astype(float)
    scorer = rel.set_scorer(pair, clusters)
    np.testing.assert_allclose(scorer(drawn), rel.set_score(pair, drawn), rtol=1e-6)
    many = getattr(scorer, "many", None)
    if many is not None:  # a block of weightings scores as each weighting alone
        block = np.random.default_rng(3).integers(0, 3, (5, 10))[:, clusters].astype(float)
        block[0] = 0.0
        np.testing.assert_allclose(many(block), [scorer(w) for w in block], rtol=1e-10)


#: Every check, in the order `check_relation` runs them.
RELATION_CHECKS: tuple[Check, ...] = (
    check_parameters,
    check_rejects_bad_parameters,
    check_verdict_contract,
    check_deterministic,
    check_identical_models_agree,
    check_nothing_changes_nothing_fails,
    check_non_finite_rows,
    check_needs_hidden,
    check_set_score,
)


def check_relation(relation: str | type) -> None:
    """Run every check of RELATION_CHECKS on a relation (its registered name or its class)."""
    cls = _resolve(relation)
    for check in RELATION_CHECKS:
        check(cls)
