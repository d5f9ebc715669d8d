"""What makes a finished run incomplete or suspect: follow-ups that tested nothing, models
whose classes look inverted, and models that give one output to every input."""

from __future__ import annotations

import numpy as np
import pytest
from pipeline_doubles import examples

from metacompress.errors import ConfigError
from metacompress.pipeline.health import failed_followups, run_warnings


def test_only_a_followup_whose_every_variant_failed_is_failed():
    variants = {
        "source": {"ok": 4},
        "all-errors": {"error": 3, "timeout": 1},
        "some-ok": {"error": 3, "ok": 1},
        "not-applicable": {"not-applicable": 4},
        "mixed": {"error": 2, "not-applicable": 2},
    }
    failed = failed_followups(variants, lambda name: f"why {name}")
    assert failed == {"all-errors": {"variants": 4, "reason": "why all-errors"}}


def test_warnings_name_failed_followups_and_inverted_models_only():
    scores = [
        {"model": "teacher", "followup": "source", "labelled": 40, "accuracy": 0.9},
        {"model": "student", "followup": "source", "labelled": 40, "accuracy": 0.1},
        {"model": "student", "followup": "rename", "labelled": 40, "accuracy": 0.0},
        {"model": "teacher", "followup": "all", "labelled": 0, "accuracy": None},
    ]
    lines = run_warnings(scores, {"f": {"variants": 2, "reason": "OverflowError: x"}})
    assert lines[0].startswith("every variant of follow-up 'f' failed (2 of them; e.g. Overflow")
    assert len(lines) == 2 and lines[1].startswith("the student model: accuracy 0.100")
    assert "inverted" in lines[1]
    small = [{"model": "student", "followup": "source", "labelled": 5, "accuracy": 0.2}]
    assert run_warnings(small, {}) == []  # p = 0.19 on five examples: no accusation


@pytest.mark.usefixtures("raising_transform")
def test_a_run_whose_followup_tested_nothing_is_incomplete_with_the_reason(run):
    boom = [type(e)(e.id, ("int f(int BOOM) { return BOOM; }",), e.label) for e in examples(4)]
    outcome = run("broken", data=boom, followups=["test-raises", "rename-locals"])
    assert not outcome.complete
    assert outcome.summary["failed_followups"] == {
        "test-raises": {"variants": 4, "reason": "RuntimeError: this transformation is broken"}
    }
    assert "every variant of follow-up 'test-raises' failed" in outcome.summary["warnings"][0]
    assert run("fine").complete


def test_data_with_no_example_is_a_config_error_and_the_folder_stays_free(run):
    with pytest.raises(ConfigError, match="gave no example to test"):
        run("empty", data=[])
    assert run("empty").summary["resumed"] is False


def test_a_run_with_a_model_that_answers_the_same_to_everything_warns(run):
    from metacompress.models import CallableClassifier

    constant = CallableClassifier(
        lambda batch: np.tile([0.4822, 0.5178], (len(batch), 1)), "student", fingerprint="const"
    )
    warnings = run("constant", student=constant).summary["warnings"]
    assert [w for w in warnings if "one output" in w] == [
        next(w for w in warnings if w.startswith("the student model: P(positive) stays within"))
    ]
    assert not [w for w in run("varied").summary["warnings"] if "one output" in w]
