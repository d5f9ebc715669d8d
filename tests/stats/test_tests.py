import numpy as np
import pytest
from scipy.stats import binomtest

from metacompress.stats.tests import mcnemar_exact, mcnemar_exact_counts


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
