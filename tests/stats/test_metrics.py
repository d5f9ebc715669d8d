import numpy as np
import pytest
from sklearn import metrics as skm

from metacompress.stats.metrics import (
    accuracy,
    confidences,
    f1,
    label_margin,
    precision,
    predicted_labels,
    recall,
)


@pytest.mark.parametrize("seed", range(5))
def test_metrics_match_sklearn(seed):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, 50)
    y_pred = rng.integers(0, 2, 50)
    assert accuracy(y_true, y_pred) == pytest.approx(skm.accuracy_score(y_true, y_pred))
    assert precision(y_true, y_pred) == pytest.approx(skm.precision_score(y_true, y_pred))
    assert recall(y_true, y_pred) == pytest.approx(skm.recall_score(y_true, y_pred))
    assert f1(y_true, y_pred) == pytest.approx(skm.f1_score(y_true, y_pred))


def test_metrics_with_empty_denominators_follow_zero_division_0():
    y_true = np.array([0, 0, 0])
    y_pred = np.array([0, 0, 0])
    for ours, theirs in [
        (precision, skm.precision_score),
        (recall, skm.recall_score),
        (f1, skm.f1_score),
    ]:
        assert ours(y_true, y_pred) == theirs(y_true, y_pred, zero_division=0) == 0.0
    assert np.isnan(accuracy(np.zeros(0), np.zeros(0)))


def test_hand_computed_f1():
    # TP = 2, FP = 1, FN = 1 -> F1 = 4 / (4 + 2) = 2/3
    assert f1(np.array([1, 1, 1, 0, 0]), np.array([1, 1, 0, 1, 0])) == pytest.approx(2 / 3)


def test_argmax_ties_go_to_class_zero_and_confidence_is_max():
    probs = np.array([[0.5, 0.5], [0.2, 0.8], [0.9, 0.1]])
    assert predicted_labels(probs).tolist() == [0, 1, 0]
    assert confidences(probs).tolist() == [0.5, 0.8, 0.9]
    assert predicted_labels(np.zeros((0, 2))).shape == (0,)


def test_label_margin_sign_tells_whether_label_is_predicted():
    probs = np.array([[0.5, 0.5], [0.5, 0.5], [0.3, 0.7], [0.3, 0.7]])
    margin = label_margin(probs, np.array([0, 1, 1, 0]))
    assert margin[0] == 0.0 and not np.signbit(margin[0])
    assert margin[1] < 0 and margin[1] > -1e-300  # tie lost to class 0
    assert margin[2] == pytest.approx(0.4)
    assert margin[3] == pytest.approx(-0.4)
    three = np.array([[0.2, 0.3, 0.5]])
    assert label_margin(three, np.array([1]))[0] == pytest.approx(-0.2)
    assert label_margin(three, np.array([2]))[0] == pytest.approx(0.2)
