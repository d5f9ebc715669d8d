"""Metamorphic copies for MORPH, made by the transformation engine."""

from __future__ import annotations

import pytest

from metacompress.data.types import Example
from metacompress.distill.metamorphic import metamorphic_copies
from metacompress.errors import ConfigError

from .conftest import clone_examples, vulnerability_examples


def test_copies_rename_parameters_and_keep_labels():
    examples = vulnerability_examples(10, 4) + [
        Example("noparam", ("int f(void) { return 1; }",), 0)
    ]
    sources, variants, reasons = metamorphic_copies(examples, "c", ("rename-parameters",), seed=0)
    assert sources == list(range(10))
    assert reasons["no input changed"] == 1
    assert any(key.startswith("rename-parameters:") for key in reasons)
    for index, variant in zip(sources, variants, strict=True):
        source = examples[index]
        assert variant.label == source.label
        assert variant.inputs != source.inputs
        assert variant.meta["source"] == source.id and variant.meta["steps"] == [
            "rename-parameters"
        ]
        assert variant.inputs[0].split("(")[0] == source.inputs[0].split("(")[0], (
            "function name kept"
        )
    again = metamorphic_copies(examples, "c", ("rename-parameters",), seed=0)[1]
    assert [v.inputs for v in again] == [v.inputs for v in variants]


def test_clone_pairs_rename_both_methods():
    examples = clone_examples(4, 2)
    sources, variants, _ = metamorphic_copies(examples, "java", ("rename-parameters",), seed=1)
    assert sources == [0, 1, 2, 3]
    for index, variant in zip(sources, variants, strict=True):
        assert all(a != b for a, b in zip(variant.inputs, examples[index].inputs, strict=True))


def test_unknown_transformation_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown transformation"):
        metamorphic_copies(vulnerability_examples(2, 0), "c", ("rename-functions-please",), 0)
