import numpy as np
import pytest

from metacompress.stats import metrics
from metacompress.stats.classification import SCORES, score_intervals
from metacompress.stats.proportions import BOOTSTRAP, CLOPPER_PEARSON, clopper_pearson


def planted(n, accuracy, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    predicted = np.where(rng.random(n) < accuracy, labels, 1 - labels)
    return labels, predicted


def test_point_estimates_are_those_of_stats_metrics():
    labels, predicted = planted(200, 0.8)
    got = score_intervals(labels, predicted, n_boot=200)
    for name in SCORES:
        assert got[name].rate == pytest.approx(getattr(metrics, name)(labels, predicted))
        assert got[name].method == BOOTSTRAP
        assert got[name].low < got[name].rate < got[name].high


def test_a_perfect_model_gets_an_exact_interval_not_a_point():
    labels = np.array([0, 1] * 20)
    got = score_intervals(labels, labels)
    for name in SCORES:
        assert got[name].rate == 1.0 and got[name].method == CLOPPER_PEARSON
        assert got[name].high == 1.0 and got[name].low < 1.0
    assert (got["recall"].low, got["recall"].high) == pytest.approx(clopper_pearson(20, 20))


def test_unknown_rows_are_left_out_and_an_empty_denominator_is_undefined():
    labels = np.array([1, 0, -1, 0])
    predicted = np.array([0, 0, 1, -1])
    got = score_intervals(labels, predicted)
    assert got["accuracy"].denominator == 2 and got["accuracy"].rate == 0.5
    assert np.isnan(got["precision"].rate)  # nothing predicted positive among known rows
    assert got["recall"].rate == 0.0


def test_intervals_cover_the_designed_accuracy():
    covered = 0
    for seed in range(100):
        labels, predicted = planted(150, 0.7, seed)
        interval = score_intervals(labels, predicted, n_boot=200, seed=seed)["accuracy"]
        covered += interval.low <= 0.7 <= interval.high
    assert covered >= 88


def test_shapes_are_checked():
    with pytest.raises(ValueError):
        score_intervals(np.zeros(3), np.zeros(4))
