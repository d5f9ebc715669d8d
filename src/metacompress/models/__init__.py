"""The model layer: the Classifier protocol, adapters for real model formats, batching, cache.

Everything that runs a model goes through here:
- `load_model(spec, device)` reads a model spec (see `metacompress.models.spec`) and returns a
  Classifier; the formats are registered in `metacompress.models.formats.FORMATS`;
- `CallableClassifier(fn, name)` wraps a Python function batch -> probabilities;
- `CachedClassifier(inner, cache_path)` adds a content-addressed prediction cache with
  `hits`, `misses` and `queries` counters;
- `predict(model, batch, return_hidden)` returns a `Prediction` (probabilities, truncation
  flags, characters seen per input, optional pooled hidden representation).
"""

from metacompress.models.base import (
    Classifier,
    DetailedClassifier,
    Prediction,
    check_probs,
    predict,
)
from metacompress.models.cache import CachedClassifier, cache_key
from metacompress.models.callable import CallableClassifier
from metacompress.models.spec import SPEC_NAME, load_model, load_model_as, read_spec

__all__ = [
    "SPEC_NAME",
    "CachedClassifier",
    "CallableClassifier",
    "Classifier",
    "DetailedClassifier",
    "Prediction",
    "cache_key",
    "check_probs",
    "load_model",
    "load_model_as",
    "predict",
    "read_spec",
]
