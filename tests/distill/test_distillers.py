"""The registered distillers: parameters, validation, and end-to-end runs on tiny budgets."""

from __future__ import annotations

import json

import pytest

from metacompress.distill import DISTILLERS
from metacompress.errors import ConfigError
from metacompress.testing.distillers import DISTILLER_CHECKS, check_distillation


def test_three_methods_are_registered_with_their_parameters():
    assert DISTILLERS.names() == ["avatar", "compressor", "morph"]
    assert DISTILLERS.create("compressor").temperature == 10.0
    assert DISTILLERS.create("avatar").temperature == 1.0
    assert DISTILLERS.create("morph").transforms == ("rename-parameters",)


@pytest.mark.parametrize("check", DISTILLER_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("name", DISTILLERS.names())
def test_distiller_conformance(name, check):
    check(DISTILLERS.get(name))


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("compressor", {"budget": "huge"}, "budget"),
        ("compressor", {"size_mb": -1}, "size_mb"),
        ("avatar", {"max_length_range": (512, 256)}, "max_length_range"),
        ("morph", {"transforms": "rename-parameters"}, "transforms"),
        ("avatar", {"population": 5}, "no parameter"),
    ],
)
def test_bad_parameters_are_config_errors(name, params, message):
    with pytest.raises(ConfigError, match=message):
        DISTILLERS.create(name, **params)


def test_compressor_end_to_end_on_a_tiny_budget(tiny_teacher, vuln_data, tmp_path):
    _, unlabelled, valid = vuln_data
    result = check_distillation(
        "compressor", tiny_teacher, unlabelled[:96], valid[:40], "vulnerability", tmp_path,
        size_mb=0.25, seed=0, max_length=64,
    )  # fmt: skip
    assert json.loads((tmp_path / "metrics.json").read_text())["teacher"]["accuracy"] >= 0.8
    assert abs(result.size_mb - 0.25) <= 0.05 * 0.25 + 0.02
    assert result.config["max_length"] == 64 and result.config["tokenizer"] == "bpe"
    assert not (tmp_path / "pareto_front.json").exists()


@pytest.mark.slow
@pytest.mark.parametrize("method", ["avatar", "morph"])
def test_multi_objective_methods_end_to_end(method, tiny_teacher, vuln_data, tmp_path):
    _, unlabelled, valid = vuln_data
    result = check_distillation(
        method, tiny_teacher, unlabelled[:96], valid[:40], "vulnerability", tmp_path,
        size_mb=0.5, seed=0, max_length_range=(64, 96),
    )  # fmt: skip
    assert json.loads((tmp_path / "metrics.json").read_text())["teacher"]["accuracy"] >= 0.8
    front = json.loads((tmp_path / "pareto_front.json").read_text())
    assert front and result.pareto_front == front
    samples = json.loads((tmp_path / "surrogate_samples.json").read_text())
    assert len(samples) == 3
    if method == "morph":
        metrics = json.loads((tmp_path / "metrics.json").read_text())
        assert 0.0 <= metrics["student_flip_rate"] <= 1.0
        assert metrics["notes"]["metamorphic"]["train_copies"] > 0
