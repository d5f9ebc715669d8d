"""Conformance checks of a model format: what every loaded model must do (the scikit-learn way).

Given a spec that loads (a spec file, a folder or a mapping; `metacompress.models.load_model`),
the model must: come from a format whose parameters round-trip, whose `settings()` leave out
the file locations, and which refuses an unknown key; give (n, 2) finite probabilities in
[0, 1] whose rows sum to 1, column 1 the positive class; give each input the same
probabilities alone, in a batch and in another order; refuse a batch of the wrong arity;
report, through `predict`, per-example truncation flags and (when it has a window) how many
characters of each input it saw, at most the input's length; give the same fingerprint when
loaded twice from the same spec; and describe itself in plain JSON values when it can.

The inputs are `testing.samples` code: one C function per example for a model of task
vulnerability (arity 1), two Java methods for clone (arity 2).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from metacompress.testing.samples import C_SAMPLES, JAVA_SAMPLES

Spec = str | Path | Mapping[str, Any]
Check = Callable[[Any, Spec, Mapping[str, Any]], None]
#: Probabilities of one input alone and in a batch may differ by float rounding only.
BATCH_TOLERANCE = 1e-5


def sample_batch(arity: int) -> list[tuple[str, ...]]:
    """Four examples of `arity` inputs from the sample programs (parse errors included)."""
    if arity == 1:
        return [(code,) for code in C_SAMPLES]
    java = list(JAVA_SAMPLES)
    return [(java[i % len(java)], java[(i + 1) % len(java)]) for i in range(4)]


def _arity(model: Any) -> int:
    return int(getattr(model, "arity", None) or 1)


def _format(spec: Spec) -> Any:
    from metacompress.models.formats import create_format
    from metacompress.models.spec import read_spec

    data, _ = read_spec(dict(spec) if isinstance(spec, Mapping) else spec)
    name = data.pop("format")
    return create_format(str(name), data)


def check_format_parameters(model: Any, spec: Spec, options: Mapping[str, Any]) -> None:
    """The format's parameters round-trip, its settings leave out file locations, and an
    unknown key is a ConfigError."""
    from metacompress.errors import ConfigError
    from metacompress.models.formats import create_format
    from metacompress.registry import get_params

    fmt = _format(spec)
    params = get_params(fmt)
    assert type(fmt)(**params) == fmt, f"{fmt.format_name}: parameters do not round-trip"
    assert not set(fmt.settings()) & set(fmt.location_fields()), "settings hold file locations"
    try:
        create_format(fmt.format_name, {**params, "no_such_key": 1})
    except ConfigError:
        return
    raise AssertionError(f"{fmt.format_name}: an unknown key was accepted")


def check_probabilities(model: Any, spec: Spec, options: Mapping[str, Any]) -> None:
    """(n, 2) finite probabilities in [0, 1], rows summing to 1; an empty batch gives (0, 2)."""
    from metacompress.models.base import PROB_SUM_TOLERANCE

    batch = sample_batch(_arity(model))
    probs = np.asarray(model.predict_proba(batch), dtype=float)
    assert probs.shape == (len(batch), 2), f"probabilities of shape {probs.shape}"
    assert np.isfinite(probs).all() and (probs >= 0).all() and (probs <= 1).all()
    assert np.allclose(probs.sum(axis=1), 1.0, atol=PROB_SUM_TOLERANCE), "rows do not sum to 1"
    assert np.asarray(model.predict_proba([])).reshape(-1, 2).shape == (0, 2)


def check_batch_independence(model: Any, spec: Spec, options: Mapping[str, Any]) -> None:
    """An input's probabilities do not depend on the batch it is in, nor on its position."""
    batch = sample_batch(_arity(model))
    together = np.asarray(model.predict_proba(batch), dtype=float)
    alone = np.concatenate([np.asarray(model.predict_proba([x]), dtype=float) for x in batch])
    backwards = np.asarray(model.predict_proba(batch[::-1]), dtype=float)[::-1]
    np.testing.assert_allclose(alone, together, atol=BATCH_TOLERANCE)
    np.testing.assert_allclose(backwards, together, atol=BATCH_TOLERANCE)


def check_refuses_wrong_arity(model: Any, spec: Spec, options: Mapping[str, Any]) -> None:
    """A batch with another number of inputs per example than the model's task is refused."""
    from metacompress.errors import ConfigError

    if getattr(model, "arity", None) is None:
        return
    wrong = sample_batch(2 if _arity(model) == 1 else 1)
    try:
        model.predict_proba(wrong)
    except ConfigError:
        return
    raise AssertionError(f"a model of arity {model.arity} scored a batch of another arity")


def check_prediction_details(model: Any, spec: Spec, options: Mapping[str, Any]) -> None:
    """`predict` gives one truncation flag per example and, with a window, characters seen per
    input between 0 and the input's length (all of it when nothing was cut)."""
    from metacompress.models import predict

    batch = sample_batch(_arity(model))
    prediction = predict(model, batch)
    assert prediction.truncated.shape == (len(batch),), "one truncation flag per example"
    if prediction.visible_chars is not None:
        seen = np.asarray(prediction.visible_chars)
        assert seen.shape == (len(batch), _arity(model)), f"visible_chars of shape {seen.shape}"
        lengths = np.array([[len(x) for x in inputs] for inputs in batch])
        assert ((seen >= 0) & (seen <= lengths)).all(), "more characters seen than there are"
        whole = ~prediction.truncated
        assert (seen[whole] == lengths[whole]).all(), "an input not cut was not seen whole"


def check_fingerprint(model: Any, spec: Spec, options: Mapping[str, Any]) -> None:
    """Loading the same spec again gives the same non-empty fingerprint and the same outputs;
    `describe()`, when the model has it, is plain JSON."""
    from metacompress.models import load_model

    again = load_model(spec, **options)
    assert isinstance(model.fingerprint, str) and model.fingerprint, "no fingerprint"
    assert again.fingerprint == model.fingerprint, "the fingerprint changed on a second load"
    batch = sample_batch(_arity(model))
    np.testing.assert_allclose(again.predict_proba(batch), model.predict_proba(batch), atol=1e-6)
    describe = getattr(model, "describe", None)
    if callable(describe):
        json.dumps(describe())


#: Every check, each called as check(model, spec, load_options).
MODEL_FORMAT_CHECKS: tuple[Check, ...] = (
    check_format_parameters,
    check_probabilities,
    check_batch_independence,
    check_refuses_wrong_arity,
    check_prediction_details,
    check_fingerprint,
)


def check_model_format(spec: Spec, **load_options: Any) -> None:
    """Load `spec` with `load_options` (those of `load_model`: device, allow_pickle,
    trust_remote_code, ...) and run every check of MODEL_FORMAT_CHECKS on the model."""
    from metacompress.models import load_model

    model = load_model(spec, **load_options)
    for check in MODEL_FORMAT_CHECKS:
        check(model, spec, load_options)
