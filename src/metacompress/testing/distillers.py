"""Conformance checks of a distiller (the scikit-learn `check_estimator` way).

Every distiller must: construct with its defaults and round-trip its parameters; carry the
parameters all methods share (size_mb, temperature, budget, seed) and refuse bad values of
them, and unknown parameters, with a ConfigError naming the parameter; be registered with a
description; stay frozen; and give a budget setting for every budget name. `check_distillation`
runs one on a tiny budget (minutes): the student it saves must load, score inputs, and have
the size its result reports, with its metrics written beside it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from metacompress.data.types import Example

Check = Callable[[type], None]
#: The parameters every distiller shares (`metacompress.distill.base.Distiller`).
SHARED = ("size_mb", "temperature", "budget", "seed")


def _resolve(distiller: str | type) -> type:
    from metacompress.distill.base import DISTILLERS

    return DISTILLERS.get(distiller) if isinstance(distiller, str) else distiller


def check_parameters(cls: type) -> None:
    """Defaults construct, round-trip, carry the shared parameters; registered and frozen."""
    from metacompress.distill.base import DISTILLERS, Distiller
    from metacompress.registry import get_params

    component = cls()
    assert isinstance(component, Distiller) and dataclasses.is_dataclass(component), cls.__name__
    params = get_params(component)
    assert type(component)(**params) == component, f"{cls.name}: params do not round-trip"
    assert set(SHARED) <= set(params), f"{cls.name}: lacks {set(SHARED) - set(params)}"
    assert cls.name in DISTILLERS and DISTILLERS.entry(cls.name).description, cls.__name__
    try:
        component.seed = 1  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        return
    raise AssertionError(f"{cls.name}: parameters can be changed after construction")


def check_rejects_bad_parameters(cls: type) -> None:
    """Bad shared values and unknown parameters are ConfigErrors naming the parameter."""
    from metacompress.distill.base import DISTILLERS
    from metacompress.errors import ConfigError

    bad = {"size_mb": -1.0, "temperature": 0.0, "budget": "huge", "seed": -3}
    for param, value in bad.items():
        try:
            cls(**{param: value})
        except ConfigError as error:
            assert param in str(error), f"{cls.name}: the error does not name {param}"
            continue
        raise AssertionError(f"{cls.name}: {param}={value!r} was accepted")
    try:
        DISTILLERS.create(cls.name, population=5)
    except ConfigError as error:
        assert "no parameter" in str(error)
        return
    raise AssertionError(f"{cls.name}: an unknown parameter was accepted")


def check_budgets(cls: type) -> None:
    """Every budget name gives positive search sizes and epochs."""
    from metacompress.distill.base import BUDGET_NAMES

    for name in BUDGET_NAMES:
        settings = cls(budget=name).budget_settings()
        assert settings.population >= 1 and settings.generations >= 1, f"{cls.name}: {name}"
        assert settings.final_epochs >= 1, f"{cls.name}: budget {name} trains no epoch"


#: Every check, each called as check(cls).
DISTILLER_CHECKS: tuple[Check, ...] = (
    check_parameters,
    check_rejects_bad_parameters,
    check_budgets,
)


def check_distiller(distiller: str | type) -> None:
    """Run every check of DISTILLER_CHECKS on a distiller (its registered name or class)."""
    cls = _resolve(distiller)
    for check in DISTILLER_CHECKS:
        check(cls)


def check_distillation(
    distiller: str | type,
    teacher: Any,
    unlabelled: Sequence[Example],
    valid: Sequence[Example],
    task: str,
    out_dir: str | Path,
    **params: Any,
) -> Any:
    """Distil a student from `teacher` on a tiny budget (`params` go to the distiller) and check
    what it saved: the files of a run, a student that loads and scores, and its reported size
    (parameters x 4 bytes). Returns the DistillResult."""
    from metacompress.distill.pipeline import DistillJob
    from metacompress.models import load_model, predict

    cls = _resolve(distiller)
    out = Path(out_dir)
    job = DistillJob.prepare(teacher, unlabelled, valid, task, out, seed=params.get("seed", 0))
    result = cls(**{"budget": "tiny", **params}).run(job)
    for name in ("chosen_config.json", "metrics.json", "search_history.jsonl", "soft_labels.npz"):
        assert (out / name).is_file(), f"{cls.name}: {name} was not written"
    student = load_model(result.student_spec)
    probs = predict(student, [valid[0].inputs]).probs
    assert probs.shape == (1, 2), f"{cls.name}: the student scores with shape {probs.shape}"
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert 0.0 <= metrics["student"]["agreement"] <= 1.0, f"{cls.name}: agreement out of range"
    assert abs(result.size_mb - result.parameters * 4 / 1e6) < 1e-6, f"{cls.name}: size"
    return result
