import numpy as np
import pytest

from metacompress.stats.calibration import (
    BinnedPredictions,
    bin_index,
    expected_calibration_error,
    reliability_bins,
)


def test_bins_are_right_inclusive_equal_width():
    conf = np.array([0.0, 0.1, 0.1000001, 0.3, 0.55, 1.0])
    assert bin_index(conf, 10).tolist() == [0, 0, 1, 2, 5, 9]


def test_ece_hand_computed():
    # Two classes. Predictions (confidence, correct):
    #   0.95 right, 0.92 wrong  -> bin 9: acc 0.5, conf 0.935, |gap| 0.435, weight 2/5
    #   0.75 right, 0.71 right  -> bin 7: acc 1.0, conf 0.73,  |gap| 0.27,  weight 2/5
    #   0.55 wrong              -> bin 5: acc 0.0, conf 0.55,  |gap| 0.55,  weight 1/5
    probs = np.array([[0.05, 0.95], [0.92, 0.08], [0.75, 0.25], [0.29, 0.71], [0.45, 0.55]])
    labels = np.array([1, 1, 0, 1, 0])
    expected = 0.4 * 0.435 + 0.4 * 0.27 + 0.2 * 0.55
    assert expected_calibration_error(probs, labels, 10) == pytest.approx(expected)
    bins = reliability_bins(probs.max(axis=1), probs.argmax(axis=1) == labels, 10)
    assert bins.counts.tolist() == [0, 0, 0, 0, 0, 1, 0, 2, 0, 2]
    assert bins.mean_confidence[9] == pytest.approx(0.935)
    assert bins.accuracy[7] == 1.0
    assert np.isnan(bins.accuracy[0])
    assert bins.edges.tolist() == pytest.approx(np.linspace(0, 1, 11).tolist())


def test_ece_perfectly_calibrated_and_worst_case():
    # all confidence 1.0 and correct -> 0; all confidence 1.0 and wrong -> 1
    probs = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert expected_calibration_error(probs, np.array([1, 0])) == 0.0
    assert expected_calibration_error(probs, np.array([0, 1])) == 1.0


def test_ece_edge_cases():
    assert np.isnan(expected_calibration_error(np.zeros((0, 2)), np.zeros(0, dtype=int)))
    with pytest.raises(ValueError, match="labels must be class indices"):
        expected_calibration_error(np.array([[0.5, 0.5]]), np.array([-1]))
    with pytest.raises(ValueError, match="n_bins"):
        bin_index(np.array([0.5]), 0)


def test_weights_count_rows_that_many_times():
    rng = np.random.default_rng(4)
    probs = rng.dirichlet([1, 1], size=40)
    labels = rng.integers(0, 2, 40)
    weights = rng.integers(0, 4, 40)
    copied = np.repeat(np.arange(40), weights)
    assert expected_calibration_error(probs, labels, 10, weights.astype(float)) == pytest.approx(
        expected_calibration_error(probs[copied], labels[copied], 10)
    )
    with pytest.raises(ValueError, match="weights"):
        expected_calibration_error(probs, labels, 10, -np.ones(40))


def test_ece_many_is_each_rows_ece_bit_for_bit():
    rng = np.random.default_rng(9)
    probs = rng.dirichlet([1, 1, 1], size=60)
    binned = BinnedPredictions.of(probs, rng.integers(0, 3, 60), 10)
    block = rng.integers(0, 4, (7, 60)).astype(float)
    block[2] = 0.0  # nothing drawn: NaN
    block[3, 30:] = 0.0  # some bins empty
    many = binned.ece_many(block)
    assert np.isnan(many[2])
    for row, value in zip(block, many, strict=True):
        expected = binned.ece(row)
        assert value == expected or (np.isnan(value) and np.isnan(expected))
    with pytest.raises(ValueError, match="block"):
        binned.ece_many(np.ones(60))
    with pytest.raises(ValueError, match="weights"):
        binned.ece_many(-np.ones((2, 60)))
