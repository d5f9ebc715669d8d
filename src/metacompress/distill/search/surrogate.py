"""Surrogate models that predict a student's quality from its configuration.

A surrogate is fitted on configurations that were actually distilled (their features, see
`SearchSpace.features`, and the measured validation accuracy or flip rate) and then scores the
thousands of candidates an evolutionary search visits.
- AVATAR: Bayesian ridge regression of accuracy (scikit-learn `BayesianRidge`).
- MORPH: gradient-boosted regression trees for accuracy and for prediction flips
  (scikit-learn `GradientBoostingRegressor`).
Features are standardised first (the replication packages fit on raw values; scaling changes
nothing for the trees and keeps the ridge prior comparable across genes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from metacompress.errors import ConfigError

KINDS = ("bayesian-ridge", "gradient-boosting")


@dataclass
class Surrogate:
    """A fitted regressor of one measured quantity."""

    kind: str
    model: Any
    samples: int

    def predict(self, features: np.ndarray) -> np.ndarray:
        return np.asarray(self.model.predict(np.atleast_2d(features)), dtype=float)


def fit_surrogate(kind: str, features: np.ndarray, target: np.ndarray, seed: int = 0) -> Surrogate:
    """Fit a surrogate of `kind` on (features, target); needs at least two samples."""
    from sklearn.ensemble import GradientBoostingRegressor
    from sklearn.linear_model import BayesianRidge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    features = np.atleast_2d(np.asarray(features, dtype=float))
    target = np.asarray(target, dtype=float)
    if len(features) < 2 or len(features) != len(target):
        raise ConfigError(
            f"a surrogate needs at least 2 distilled samples with one target each, got "
            f"{len(features)} samples and {len(target)} targets"
        )
    if kind == "bayesian-ridge":
        regressor = BayesianRidge()
    elif kind == "gradient-boosting":
        regressor = GradientBoostingRegressor(random_state=seed)
    else:
        raise ConfigError(f"surrogate kind must be one of {list(KINDS)}, got {kind!r}")
    model = make_pipeline(StandardScaler(), regressor)
    model.fit(features, target)
    return Surrogate(kind, model, len(features))
