import numpy as np
import pytest
from scipy.stats import bootstrap as scipy_bootstrap

from metacompress.stats.bootstrap import (
    bootstrap_ci,
    paired_bootstrap_ci,
    ratio_bootstrap_ci,
)


def test_percentile_interval_agrees_with_scipy_percentile_bootstrap():
    values = np.random.default_rng(0).normal(size=200)
    ours = bootstrap_ci(np.mean, values, n_boot=4000, seed=1)
    theirs = scipy_bootstrap(
        (values,), np.mean, n_resamples=4000, method="percentile", random_state=2
    ).confidence_interval
    assert ours.estimate == pytest.approx(values.mean())
    assert ours.low == pytest.approx(theirs.low, abs=0.02)
    assert ours.high == pytest.approx(theirs.high, abs=0.02)
    assert ours.low < values.mean() < ours.high


def test_percentile_interval_is_quantiles_of_resampled_statistics():
    values = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    rng = np.random.default_rng(7)
    replicates = [values[rng.integers(0, 5, size=5)].mean() for _ in range(300)]
    ours = bootstrap_ci(np.mean, values, n_boot=300, seed=7, confidence=0.9)
    assert (ours.low, ours.high) == pytest.approx(tuple(np.quantile(replicates, [0.05, 0.95])))


def test_seeded_and_constant_data():
    values = np.random.default_rng(0).random(30)
    assert bootstrap_ci(np.mean, values, seed=3) == bootstrap_ci(np.mean, values, seed=3)
    assert bootstrap_ci(np.mean, values, seed=3) != bootstrap_ci(np.mean, values, seed=4)
    flat = bootstrap_ci(np.mean, np.full(10, 0.25), n_boot=50)
    assert (flat.estimate, flat.low, flat.high) == (0.25, 0.25, 0.25)


def test_cluster_bootstrap_of_copied_rows_equals_plain_bootstrap_of_clusters():
    per_cluster = np.random.default_rng(5).random(12)
    rows = np.repeat(per_cluster, 3)
    ids = np.repeat([f"ex{i}" for i in range(12)], 3)
    clustered = bootstrap_ci(np.mean, rows, clusters=ids, n_boot=500, seed=9)
    plain = bootstrap_ci(np.mean, per_cluster, n_boot=500, seed=9)
    assert (clustered.low, clustered.high) == pytest.approx((plain.low, plain.high))
    naive = bootstrap_ci(np.mean, rows, n_boot=500, seed=9)
    assert naive.high - naive.low < clustered.high - clustered.low


def test_ratio_bootstrap_matches_generic_ratio_statistic():
    rng = np.random.default_rng(2)
    applicable = rng.random(60) < 0.8
    violated = applicable & (rng.random(60) < 0.3)
    ids = rng.integers(0, 20, 60)
    fast = ratio_bootstrap_ci(violated, applicable, clusters=ids, n_boot=400, seed=4)
    slow = bootstrap_ci(
        lambda v, a: v.sum() / a.sum() if a.sum() else np.nan,
        violated.astype(float),
        applicable.astype(float),
        clusters=ids,
        n_boot=400,
        seed=4,
    )
    assert fast.estimate == pytest.approx(violated.sum() / applicable.sum())
    # same clusters in first-appearance order and the same draws: the same replicates
    assert (fast.low, fast.high) == pytest.approx((slow.low, slow.high))


def test_paired_bootstrap_of_a_difference():
    rng = np.random.default_rng(11)
    teacher = rng.random(100) < 0.8
    student = teacher & (rng.random(100) < 0.9)
    gap = paired_bootstrap_ci(teacher.astype(float), student.astype(float), n_boot=500)
    assert gap.estimate == pytest.approx(teacher.mean() - student.mean())
    assert 0 <= gap.low <= gap.estimate <= gap.high  # student is never right where teacher is not


def test_empty_and_all_nan_inputs_give_nan_intervals():
    empty = bootstrap_ci(np.mean, np.zeros(0))
    assert np.isnan(empty.estimate) and np.isnan(empty.low)
    none = ratio_bootstrap_ci(np.zeros(4), np.zeros(4), n_boot=20)
    assert np.isnan(none.estimate) and np.isnan(none.high)
    with pytest.raises(ValueError, match="n_boot"):
        bootstrap_ci(np.mean, np.ones(3), n_boot=0)
    with pytest.raises(ValueError, match="confidence"):
        ratio_bootstrap_ci(np.ones(3), np.ones(3), confidence=1.5)


def test_block_size_bounds_memory_without_changing_the_interval(monkeypatch):
    from metacompress.stats import bootstrap as module

    rng = np.random.default_rng(5)
    violations = (rng.random(3000) < 0.2).astype(float)
    clusters = rng.integers(0, 900, size=3000)
    default = ratio_bootstrap_ci(violations, np.ones(3000), clusters=clusters, n_boot=300, seed=2)
    sizes = []
    draw = module._resample_blocks

    def recording(n, n_boot, seed):
        for block in draw(n, n_boot, seed):
            sizes.append(block.size)
            yield block

    monkeypatch.setattr(module, "_BLOCK_INDICES", 2000)
    monkeypatch.setattr(module, "_resample_blocks", recording)
    small = ratio_bootstrap_ci(violations, np.ones(3000), clusters=clusters, n_boot=300, seed=2)
    assert small == default
    assert max(sizes) <= 2000 and sum(sizes) == 300 * len(np.unique(clusters))


def test_ratio_difference_is_paired_over_clusters():
    from metacompress.stats.bootstrap import ratio_difference_bootstrap_ci

    rng = np.random.default_rng(3)
    ids = np.repeat(np.arange(30), 4)
    a_app = (rng.random(120) < 0.9).astype(float)
    a_num = a_app * (rng.random(120) < 0.4)
    b_app = np.ones(120)
    b_num = np.repeat(rng.random(30) < 0.2, 4).astype(float)
    ours = ratio_difference_bootstrap_ci(
        a_num, a_app, b_num, b_app, clusters=ids, n_boot=300, seed=6
    )
    slow = bootstrap_ci(
        lambda w, x, y, z: w.sum() / x.sum() - y.sum() / z.sum(),
        a_num, a_app, b_num, b_app, clusters=ids, n_boot=300, seed=6,
    )  # fmt: skip
    assert ours.estimate == pytest.approx(a_num.sum() / a_app.sum() - b_num.sum() / 120)
    assert (ours.low, ours.high) == pytest.approx((slow.low, slow.high))
    # identical rates on identical rows: the paired difference is exactly 0 in every resample
    same = ratio_difference_bootstrap_ci(a_num, a_app, a_num, a_app, clusters=ids, n_boot=50)
    assert (same.estimate, same.low, same.high) == (0.0, 0.0, 0.0)


def test_weighted_bootstrap_equals_bootstrap_on_copied_rows():
    from metacompress.stats.bootstrap import weighted_bootstrap_ci

    rng = np.random.default_rng(8)
    values = rng.normal(size=45)
    ids = rng.integers(0, 12, 45)
    weighted = weighted_bootstrap_ci(
        lambda w: np.average(values, weights=w), 45, clusters=ids, n_boot=200, seed=3
    )
    copied = bootstrap_ci(np.mean, values, clusters=ids, n_boot=200, seed=3)
    assert weighted.estimate == pytest.approx(copied.estimate)
    assert (weighted.low, weighted.high) == pytest.approx((copied.low, copied.high))


def test_a_statistic_scored_a_block_at_a_time_gives_the_same_interval():
    from metacompress.stats.bootstrap import weighted_bootstrap_ci

    values = np.random.default_rng(3).normal(size=40)
    clusters = np.repeat(np.arange(20), 2)

    def mean(weights):
        return float(np.average(values, weights=weights))

    def blocked(weights):
        return mean(weights)

    blocks = []
    blocked.many = lambda w: (blocks.append(len(w)), w @ values / w.sum(axis=1))[1]
    one = weighted_bootstrap_ci(mean, 40, clusters=clusters, n_boot=300, seed=5)
    many = weighted_bootstrap_ci(blocked, 40, clusters=clusters, n_boot=300, seed=5)
    assert sum(blocks) == 300 and max(blocks) > 1  # the resamples came in blocks
    assert (many.low, many.high) == pytest.approx((one.low, one.high), rel=1e-12)
    assert many.estimate == one.estimate
