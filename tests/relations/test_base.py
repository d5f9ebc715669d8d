import numpy as np
import pytest

from metacompress.relations.base import OutputPair, RelationResult


def _p(n):
    return np.full((n, 2), 0.5)


def test_output_pair_validates_shapes_and_labels():
    with pytest.raises(ValueError, match="share one shape"):
        OutputPair(_p(2), _p(2), _p(3), _p(2))
    with pytest.raises(ValueError, match="k >= 2"):
        OutputPair(np.ones((2, 1)), np.ones((2, 1)), np.ones((2, 1)), np.ones((2, 1)))
    with pytest.raises(ValueError, match="labels must be an"):
        OutputPair(_p(2), _p(2), _p(2), _p(2), np.array([0]))
    with pytest.raises(ValueError, match="class index"):
        OutputPair(_p(2), _p(2), _p(2), _p(2), np.array([0, 2]))
    with pytest.raises(ValueError, match="teacher_hidden_source"):
        OutputPair(_p(2), _p(2), _p(2), _p(2), None, np.ones((3, 4)))
    pair = OutputPair(_p(2), _p(2), _p(2), _p(2))
    assert pair.labels.tolist() == [-1, -1] and pair.student_hidden_followup is None


def test_subset_keeps_rows_together():
    rng = np.random.default_rng(0)
    arrays = [rng.dirichlet([1, 1], size=5) for _ in range(4)]
    hidden = rng.normal(size=(5, 3))
    pair = OutputPair(*arrays, np.array([0, 1, -1, 1, 0]), hidden)
    sub = pair.subset(np.array([4, 1]))
    assert len(sub) == 2 and sub.labels.tolist() == [0, 1]
    np.testing.assert_array_equal(sub.teacher_hidden_source, hidden[[4, 1]])
    np.testing.assert_array_equal(sub.student_followup, arrays[3][[4, 1]])
    assert sub.student_hidden_source is None


def test_relation_result_counts():
    result = RelationResult(
        applicable=np.array([True, True, False, True]),
        holds=np.array([True, False, True, False]),
        score=np.array([0.1, 0.9, np.nan, 0.5]),
    )
    assert result.violations.tolist() == [False, True, False, True]
    assert (result.n_applicable, result.n_violations) == (3, 2)
    assert result.violation_rate == pytest.approx(2 / 3)
    assert result.reason.tolist() == ["", "", "", ""]
    with pytest.raises(ValueError, match="holds has 1 rows"):
        RelationResult(np.array([True, False]), np.array([True]), np.array([1.0, 2.0]))
    empty = RelationResult(np.zeros(0, bool), np.zeros(0, bool), np.zeros(0))
    assert np.isnan(empty.violation_rate)
