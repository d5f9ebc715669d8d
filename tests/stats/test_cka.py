import numpy as np
import pytest
from scipy.stats import ortho_group

from metacompress.stats.cka import linear_cka


def _hsic_cka(x, y):
    """Independent reference: the Gram-matrix form with an explicit centring matrix H."""
    n = x.shape[0]
    h = np.eye(n) - np.ones((n, n)) / n
    k, m = h @ x @ x.T @ h, h @ y @ y.T @ h
    return np.trace(k @ m) / np.sqrt(np.trace(k @ k) * np.trace(m @ m))


@pytest.mark.parametrize("n,d1,d2", [(40, 5, 3), (6, 20, 30), (10, 10, 4)])
def test_cka_matches_gram_form(n, d1, d2):
    rng = np.random.default_rng(n + d1)
    x, y = rng.normal(size=(n, d1)), rng.normal(size=(n, d2))
    assert linear_cka(x, y) == pytest.approx(_hsic_cka(x, y), rel=1e-9)


def test_cka_invariances_give_one_for_identical_representations():
    rng = np.random.default_rng(0)
    for n in (50, 8):  # both the feature and the Gram path
        x = rng.normal(size=(n, 16))
        q = ortho_group.rvs(16, random_state=1)
        assert linear_cka(x, x) == pytest.approx(1.0)
        assert linear_cka(x, x @ q) == pytest.approx(1.0)
        assert linear_cka(x, 3.7 * x) == pytest.approx(1.0)
        assert linear_cka(x, 0.2 * x @ q + 5.0) == pytest.approx(1.0)


def test_cka_is_not_invariant_to_anisotropic_scaling():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(100, 4))
    assert linear_cka(x, x * np.array([1.0, 10.0, 0.1, 1.0])) < 0.9


def test_cka_hand_value():
    # centred x = (-1, 0, 1), y = (1, -2, 1): orthogonal -> 0; y = x -> 1
    x = np.array([[0.0], [1.0], [2.0]])
    assert linear_cka(x, np.array([[1.0], [-2.0], [1.0]])) == pytest.approx(0.0, abs=1e-12)
    # 2-d y = (x, z) with z orthogonal to x and |z| = |x|: CKA = ||y^T x||^2 / (||x^T x|| ||y^T y||)
    # = 4 / (2 * sqrt(2^2 + 2^2)) = 1 / sqrt(2)
    z = np.array([1.0, -2.0, 1.0]) / np.sqrt(3)
    y = np.column_stack([x[:, 0] - 1, z])
    assert linear_cka(x, y) == pytest.approx(1 / np.sqrt(2))


def test_cka_degenerate_inputs_are_nan():
    assert np.isnan(linear_cka(np.ones((1, 3)), np.ones((1, 3))))
    assert np.isnan(linear_cka(np.ones((5, 3)), np.random.default_rng(0).normal(size=(5, 2))))
    assert np.isnan(linear_cka(np.zeros((0, 3)), np.zeros((0, 3))))


@pytest.mark.parametrize("n,d1,d2", [(40, 5, 3), (8, 20, 30)])
def test_weights_count_rows_that_many_times(n, d1, d2):
    rng = np.random.default_rng(n)
    x, y = rng.normal(size=(n, d1)), rng.normal(size=(n, d2))
    weights = rng.integers(0, 4, n)
    weights[:2] = 1
    copied = np.repeat(np.arange(n), weights)
    assert linear_cka(x, y, weights.astype(float)) == pytest.approx(
        linear_cka(x[copied], y[copied]), rel=1e-9
    )
    assert linear_cka(x, y, np.ones(n)) == pytest.approx(linear_cka(x, y))


@pytest.mark.parametrize("n,d1,d2", [(40, 5, 3), (8, 20, 30)])
def test_clustered_form_equals_the_feature_form_for_every_cluster_weighting(n, d1, d2):
    from metacompress.stats.cka import ClusteredCKA

    rng = np.random.default_rng(n + 1)
    x, y = rng.normal(size=(n, d1)) + 30.0, rng.normal(size=(n, d2))
    clusters = rng.integers(0, 5, n)
    cka = ClusteredCKA(x, y, clusters)
    assert cka(np.ones(len(cka.first))) == pytest.approx(linear_cka(x, y), rel=1e-8)
    for _ in range(5):
        counts = rng.integers(0, 3, len(cka.first)).astype(float)
        weights = counts[cka.cluster_of]
        expected = linear_cka(x, y, weights)
        assert np.array_equal(cka.cluster_counts(weights), counts)
        if np.isnan(expected):
            assert np.isnan(cka(counts))
        else:
            assert cka(counts) == pytest.approx(expected, rel=1e-8)
    flat = ClusteredCKA(np.ones((n, 2)), y, clusters)
    assert np.isnan(flat(np.ones(len(flat.first))))


def test_a_block_of_weightings_gives_the_values_of_each_weighting_alone():
    from metacompress.stats.cka import ClusteredCKA

    rng = np.random.default_rng(7)
    x, y = rng.normal(size=(30, 4)), rng.normal(size=(30, 6))
    cka = ClusteredCKA(x, y, rng.integers(0, 6, 30))
    block = rng.integers(0, 3, (12, len(cka.first))).astype(float)
    block[0] = 0.0
    block[1] = 0.0
    block[1, 0] = 5.0  # one cluster drawn: a constant-free but single-cluster weighting
    values = cka.many(block)
    assert values.shape == (12,) and np.isnan(values[0])
    for counts, value in zip(block, values, strict=True):
        expected = linear_cka(x, y, counts[cka.cluster_of])
        if np.isnan(expected):
            assert np.isnan(value)
        else:
            assert value == pytest.approx(expected, rel=1e-8)


def test_a_shared_memo_reuses_the_first_representation_and_changes_no_bit():
    from metacompress.stats.cka import ClusteredCKA

    rng = np.random.default_rng(11)
    x = rng.normal(size=(40, 6))
    students = [rng.normal(size=(40, 3)) for _ in range(3)]
    clusters = rng.integers(0, 9, 40)
    block = rng.integers(0, 3, (16, 9)).astype(float)
    shared: dict = {}
    for y in students:
        alone = ClusteredCKA(x, y, clusters).many(block)
        with_memo = ClusteredCKA(x, y, clusters, shared).many(block)
        assert np.array_equal(alone, with_memo, equal_nan=True)
    assert len(shared) == 1  # X's sums, made once; Y's are never kept
    other = x.copy()
    other[0, 0] += 1.0
    ClusteredCKA(other, students[0], clusters, shared)
    ClusteredCKA(x, students[0], np.roll(clusters, 1), shared)
    assert len(shared) == 3  # another X, or other clusters: sums of their own
