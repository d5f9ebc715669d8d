import dataclasses

import numpy as np
import pytest

from metacompress.errors import ConfigError
from metacompress.relations import RELATIONS, sweep, sweep_param

GRIDS = {
    "prediction-agreement": [0.0, 0.05, 0.2, 0.5, 1.0],
    "distribution-similarity": [0.0, 0.01, 0.05, 0.2, 1.0],
    "high-confidence": [0.55, 0.7, 0.9, 0.99, 1.0],
    "calibration-alignment": [0.0, 0.05, 0.1, 0.3, 1.0],
    "label-invariance-teacher": [0.0, 0.1, 0.3, 0.9],
    "label-invariance-student": [0.0, 0.1, 0.3, 0.9],
    "representation-drift": [0.0, 0.05, 0.1, 0.5, 1.0],
    "ece-gap": [0.0, 0.01, 0.05, 0.2, 1.0],
}


def test_every_thresholded_relation_has_a_grid():
    thresholded = [n for n in RELATIONS.names() if RELATIONS.create(n).threshold_param]
    assert sorted(thresholded) == sorted(GRIDS)


@pytest.mark.parametrize("name", sorted(GRIDS))
def test_sweep_equals_rerunning_the_relation_at_each_threshold(name, make_pair):
    rel = RELATIONS.create(name)
    pair = make_pair(seed=21, n=60)
    result = rel.check(pair)
    grid = GRIDS[name]
    if rel.level == "set":
        scores = np.array([result.set_level["score"]])
        applicable = np.array([bool(result.set_level["applicable"])])
    else:
        scores, applicable = result.score, result.applicable
    swept = sweep(rel, scores, applicable, grid)
    rerun = []
    for threshold in grid:
        again = dataclasses.replace(rel, **{rel.threshold_param: threshold}).check(pair)
        if rel.level == "set":
            rerun.append(1.0 - again.set_level["holds"])
        else:
            rerun.append(again.violation_rate)
    np.testing.assert_allclose(swept, rerun)
    assert len(set(swept.tolist())) > 1 or rel.level == "set"  # the grid moves the rate


def test_sweep_hand_values_and_edge_cases():
    rel = RELATIONS.create("calibration-alignment")
    scores = np.array([0.0, 0.2, np.nan, 0.4])
    applicable = np.array([True, True, False, True])
    np.testing.assert_allclose(sweep(rel, scores, applicable, [0.1, 0.3, 0.5]), [2 / 3, 1 / 3, 0])
    assert np.isnan(sweep(rel, np.zeros(0), np.zeros(0, bool), [0.1])).all()
    with pytest.raises(ValueError, match="one shape"):
        sweep(rel, np.zeros(3), np.zeros(2, bool), [0.1])


def test_sweep_param_moves_the_teacher_gate(make_pair):
    rel = RELATIONS.create("high-confidence")
    pair = make_pair(seed=4, n=80)
    rates = sweep_param(rel, pair, "tau", [0.6, 0.9])
    assert rates[1] == rel.check(pair).violation_rate
    assert rates[0] == RELATIONS.create("high-confidence", tau=0.6).check(pair).violation_rate
    with pytest.raises(ConfigError, match="no parameter 'gamma'"):
        sweep_param(rel, pair, "gamma", [1])
