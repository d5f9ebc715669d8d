import numpy as np
import pytest

from metacompress.relations import PAPER_RELATIONS, RELATIONS, OutputPair, any_violated


def test_any_violated_by_hand():
    # pair 0: teacher .9 student .2 -> disagree (and every probability relation fails);
    # pair 1: identical outputs; pair 2: same label, student less sure (.6 vs .95)
    t = np.array([[0.1, 0.9], [0.3, 0.7], [0.05, 0.95]])
    s = np.array([[0.8, 0.2], [0.3, 0.7], [0.4, 0.6]])
    pair = OutputPair(t, s, t, s)
    results = [RELATIONS.create(name).check(pair) for name in PAPER_RELATIONS]
    union = any_violated(results)
    assert union.applicable.tolist() == [True, True, True]
    assert union.violations.tolist() == [True, False, True]
    assert union.score.tolist() == [4.0, 0.0, 3.0]  # pair 2 still agrees on the label
    for result in results:  # every member's violation is a violation of the union
        assert np.all(union.violations >= result.violations)


def test_any_violated_where_no_relation_applies_and_bad_input():
    nan = np.full((1, 2), np.nan)
    results = [RELATIONS.create(name).check(OutputPair(nan, nan, nan, nan))
               for name in PAPER_RELATIONS]  # fmt: skip
    union = any_violated(results)
    assert union.applicable.tolist() == [False] and np.isnan(union.score[0])
    assert union.reason[0] == "none of the relations applies"
    with pytest.raises(ValueError):
        any_violated([])
