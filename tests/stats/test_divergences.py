import numpy as np
import pytest
from scipy.spatial.distance import jensenshannon
from scipy.stats import entropy

from metacompress.stats.divergences import (
    divergence,
    js_divergence,
    kl_divergence,
    total_variation,
)


def _random_probs(rng, n, k):
    x = rng.random((n, k)) + 1e-3
    return x / x.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("k", [2, 3, 5])
def test_js_is_squared_scipy_distance_in_base_2(k):
    rng = np.random.default_rng(k)
    p, q = _random_probs(rng, 30, k), _random_probs(rng, 30, k)
    expected = jensenshannon(p, q, base=2, axis=1) ** 2
    np.testing.assert_allclose(js_divergence(p, q), expected, atol=1e-12)


def test_js_bounds_and_zero_entries():
    p = np.array([[1.0, 0.0], [0.3, 0.7]])
    q = np.array([[0.0, 1.0], [0.3, 0.7]])
    np.testing.assert_allclose(js_divergence(p, q), [1.0, 0.0], atol=1e-12)


def test_js_hand_value():
    # p = (0.5, 0.5), q = (0.9, 0.1), m = (0.7, 0.3)
    kl_pm = 0.5 * np.log2(0.5 / 0.7) + 0.5 * np.log2(0.5 / 0.3)
    kl_qm = 0.9 * np.log2(0.9 / 0.7) + 0.1 * np.log2(0.1 / 0.3)
    value = js_divergence(np.array([[0.5, 0.5]]), np.array([[0.9, 0.1]]))[0]
    assert value == pytest.approx((kl_pm + kl_qm) / 2)


def test_kl_matches_scipy_entropy_and_is_infinite_on_zero_support():
    rng = np.random.default_rng(1)
    p, q = _random_probs(rng, 20, 3), _random_probs(rng, 20, 3)
    expected = [entropy(a, b, base=2) for a, b in zip(p, q, strict=True)]
    np.testing.assert_allclose(kl_divergence(p, q), expected, atol=1e-12)
    assert kl_divergence(np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]]))[0] == np.inf
    assert kl_divergence(np.array([[1.0, 0.0]]), np.array([[0.5, 0.5]]))[0] == pytest.approx(1.0)


def test_total_variation_is_half_l1():
    p = np.array([[0.2, 0.3, 0.5]])
    q = np.array([[0.4, 0.4, 0.2]])
    assert total_variation(p, q)[0] == pytest.approx(0.5 * (0.2 + 0.1 + 0.3))
    assert divergence("tv", p, q)[0] == total_variation(p, q)[0]


def test_divergence_rejects_unknown_name_and_handles_empty():
    with pytest.raises(ValueError, match="divergence must be one of"):
        divergence("hellinger", np.ones((1, 2)) / 2, np.ones((1, 2)) / 2)
    for name in ("js", "kl", "tv"):
        assert divergence(name, np.zeros((0, 2)), np.zeros((0, 2))).shape == (0,)
