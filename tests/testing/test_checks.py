"""The public checks catch broken components: each fails, naming the fault, on a component
built to break one rule, and passes on a correct plugin-style component."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from metacompress.code.edits import Edit
from metacompress.code.transform import Transformation
from metacompress.testing import (
    check_attack,
    check_distiller,
    check_model_format,
    check_relation,
    check_transformation,
)


def _transformation(name: str, edits):
    @dataclasses.dataclass(frozen=True)
    class Made(Transformation):
        def _edits(self, parsed, rng):
            return edits(parsed, rng)

    Made.name, Made.languages, Made.description = name, frozenset({"c"}), "test"
    return Made


def test_a_correct_unregistered_transformation_passes():
    check_transformation(_transformation("comment", lambda parsed, rng: [Edit(0, 0, "/* x */\n")]))


def test_a_transformation_that_depends_on_more_than_its_seed_fails():
    counter = iter(range(10**6))
    made = _transformation("drifts", lambda parsed, rng: [Edit(0, 0, f"/* {next(counter)} */\n")])
    with pytest.raises(AssertionError, match="drifts: sample c\\[0\\] seed 0 differs"):
        check_transformation(made)


def test_a_relation_that_judges_nan_rows_fails():
    from metacompress.relations.agreement import PredictionAgreement

    @dataclasses.dataclass(frozen=True)
    class Careless(PredictionAgreement):
        def check(self, pair):
            result = super().check(pair)
            result.applicable[:] = True
            return result

    with pytest.raises(AssertionError):
        check_relation(Careless)


def test_the_registered_components_pass(tmp_path):
    check_relation("prediction-agreement")
    check_attack("wir-random")
    check_distiller("compressor")
    check_model_format(
        {"format": "callable", "function": lambda batch: np.full((len(batch), 2), 0.5)}
    )


def test_a_model_whose_rows_depend_on_the_batch_fails():
    def leaky(batch):
        p = np.full(len(batch), 0.1 * len(batch) % 1)
        return np.stack([1 - p, p], axis=1)

    with pytest.raises(AssertionError):
        check_model_format({"format": "callable", "function": leaky})
