import numpy as np
import pytest
from scipy.stats import binomtest, chi2

from metacompress.stats.tests import mcnemar_clustered, mcnemar_exact, mcnemar_exact_counts


@pytest.mark.parametrize("b,c", [(0, 1), (1, 0), (3, 7), (10, 10), (0, 12), (25, 40), (1, 30)])
def test_mcnemar_matches_binomtest(b, c):
    expected = binomtest(b, b + c, 0.5, alternative="two-sided").pvalue
    assert mcnemar_exact_counts(b, c).p_value == pytest.approx(expected, rel=1e-10)


def test_mcnemar_without_discordant_pairs_is_one():
    same = np.array([True, False, True])
    result = mcnemar_exact(same, same)
    assert (result.b, result.c, result.p_value) == (0, 0, 1.0)
    assert mcnemar_exact(np.zeros(0, bool), np.zeros(0, bool)).p_value == 1.0


def test_mcnemar_counts_from_arrays():
    a = np.array([1, 1, 1, 0, 0, 1], dtype=bool)
    b = np.array([0, 0, 1, 1, 0, 1], dtype=bool)
    result = mcnemar_exact(a, b)
    assert (result.b, result.c, result.n_discordant) == (2, 1, 3)
    assert result.p_value == pytest.approx(1.0)  # 2 * P[X <= 1], X ~ Bin(3, .5) = 2 * 0.5
    with pytest.raises(ValueError):
        mcnemar_exact_counts(-1, 2)


def test_clustered_mcnemar_with_one_input_per_cluster_has_the_closed_form():
    rng = np.random.default_rng(3)
    a, b = rng.random(80) < 0.7, rng.random(80) < 0.5
    result = mcnemar_clustered(a, b, np.arange(80))
    n, disc_b, disc_c = 80, int(np.sum(a & ~b)), int(np.sum(~a & b))
    expected = (n - 1) * (disc_b - disc_c) ** 2 / (n * (disc_b + disc_c) - (disc_b - disc_c) ** 2)
    assert (result.b, result.c, result.n_clusters) == (disc_b, disc_c, 80)
    assert result.statistic == pytest.approx(expected)
    assert result.p_value == pytest.approx(chi2.sf(expected, 1))
    plain = mcnemar_exact(a, b)
    assert abs(np.log(result.p_value) - np.log(plain.p_value)) < 1.0


def test_clustered_mcnemar_is_wider_than_treating_copies_as_independent():
    rng = np.random.default_rng(4)
    a, b = rng.random(30) < 0.75, rng.random(30) < 0.55
    copies = 10
    clustered = mcnemar_clustered(np.repeat(a, copies), np.repeat(b, copies),
                                  np.repeat(np.arange(30), copies))  # fmt: skip
    once = mcnemar_clustered(a, b, np.arange(30))
    naive = mcnemar_clustered(np.repeat(a, copies), np.repeat(b, copies), np.arange(30 * copies))
    # copying every row changes nothing for the clustered test, and shrinks the naive p-value
    assert clustered.statistic == pytest.approx(once.statistic)
    assert naive.p_value < clustered.p_value


def test_clustered_mcnemar_type_one_error_under_strong_clustering():
    # H0 true: equal accuracy on average, but per example one classifier is better by a random
    # signed amount u_e, shared by the example's 20 inputs. The clustered test rejects about
    # 5 % of the time at alpha = 0.05; treating the inputs as independent rejects far more.
    rng = np.random.default_rng(5)
    ids = np.repeat(np.arange(40), 20)
    rejections = naive = 0
    for _ in range(300):
        base = np.repeat(rng.uniform(0.35, 0.65, 40), 20)
        shift = np.repeat(rng.uniform(-0.3, 0.3, 40), 20)
        a = rng.random(800) < base + shift
        b = rng.random(800) < base - shift
        rejections += mcnemar_clustered(a, b, ids).p_value < 0.05
        naive += mcnemar_clustered(a, b, np.arange(800)).p_value < 0.05
    assert rejections / 300 < 0.09
    assert naive / 300 > 0.3


def test_clustered_mcnemar_degenerate_cases():
    same = np.array([True, False, True, True])
    assert mcnemar_clustered(same, same, ["x", "x", "y", "y"]).p_value == 1.0
    single = mcnemar_clustered(same, ~same, ["x"] * 4)
    assert single.n_clusters == 1 and np.isnan(single.p_value)
    with pytest.raises(ValueError, match="one shape"):
        mcnemar_clustered(same, same, ["x"])
