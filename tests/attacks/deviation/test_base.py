"""Every registered deviation search: configuration, validation and well-formed results."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from deviation_doubles import PATTERN, STEP, planted_teacher

from metacompress.attacks.deviation import SEARCHES, DeviationResult, DeviationSearch
from metacompress.attacks.deviation.base import DISAGREE
from metacompress.code.edits import apply_edits
from metacompress.code.parsing import count_errors
from metacompress.data.types import Example
from metacompress.errors import ConfigError
from metacompress.models import CallableClassifier
from metacompress.registry import get_params

NAMES = SEARCHES.names()


def test_the_search_and_its_baseline_are_registered():
    assert {"deviation", "deviation-random"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_parameters_round_trip_and_are_validated(name):
    search = SEARCHES.create(name)
    assert isinstance(search, DeviationSearch) and dataclasses.is_dataclass(search)
    assert type(search)(**get_params(search)) == search
    assert SEARCHES.entry(name).description
    for bad in ({"budget": 0}, {"perturb": "left"}, {"rename": "yes"}, {"transforms": "reindent"}):
        with pytest.raises(ConfigError):
            SEARCHES.create(name, **bad)
    with pytest.raises(ConfigError, match="no parameter"):
        SEARCHES.create(name, colour=1)


@pytest.mark.parametrize("name", NAMES)
def test_results_are_well_formed(name, pair, sources):
    budget = 60
    teacher, student = pair
    results = SEARCHES.create(name, budget=budget).run(sources, teacher, student, "c", seed=0)
    assert [r.example_id for r in results] == [e.id for e in sources]
    for example, result in zip(sources, results, strict=True):
        assert result.search == name and 1 <= result.queries <= budget
        assert result.true_label == example.label
        t0, s0 = np.array(result.teacher_probs0), np.array(result.student_probs0)
        assert result.label == int(t0.argmax()) == int(s0.argmax())
        assert DeviationResult.from_dict(result.to_dict()) == result
        if result.status != "success":
            assert result.reason
        if result.inputs is None:
            assert result.status != "success" and result.teacher_probs is None
            continue
        t, s = np.array(result.teacher_probs), np.array(result.student_probs)
        assert (t.argmax() != s.argmax()) == (result.status == "success")
        for original, new, edits in zip(example.inputs, result.inputs, result.edits, strict=True):
            assert apply_edits(original, edits) == new
            assert count_errors(new, "c") <= count_errors(original, "c")


@pytest.mark.parametrize("name", NAMES)
def test_sources_the_models_disagree_on_are_skipped_and_labels_are_not_needed(name, pair):
    teacher, _ = pair
    contrary = CallableClassifier(lambda batch: planted_teacher(batch)[:, ::-1], "contrary")
    code = "int f(int a) {\n    int b = a + 1;\n    return b;\n}\n"
    example = Example("f", (code,), None)
    (result,) = SEARCHES.create(name, budget=20).run([example], teacher, contrary, "c")
    assert result.status == "skipped" and result.reason.startswith(DISAGREE)
    assert result.queries == 1
    (result,) = SEARCHES.create(name, budget=20).run([example], teacher, teacher, "c")
    assert result.status == "failed" and result.label == 0 and result.true_label is None


def test_an_engine_for_other_models_is_refused(pair):
    teacher, student = pair
    search = SEARCHES.create("deviation")
    with pytest.raises(ConfigError, match="other models"):
        search.run([], teacher, student, "c", engine=search.engine(student, teacher))


@pytest.mark.parametrize("name", NAMES)
def test_a_failed_search_reports_the_input_with_the_largest_gap(name, pair, sources):
    teacher, student = pair
    asked = []

    def recording(batch):
        asked.extend(b[0] for b in batch)
        return student.fn(batch)

    example = sources[1]
    (result,) = SEARCHES.create(name, budget=25).run(
        [example], teacher, CallableClassifier(recording, "recording"), "c", seed=3
    )
    assert result.status == "failed" and result.inputs is not None
    # The planted student moves by STEP per dead branch, so the gap counts dead branches.
    gap = abs(result.teacher_probs[result.label] - result.student_probs[result.label])
    assert gap == pytest.approx(STEP * result.inputs[0].count(PATTERN))
    variants = [code for code in asked if code != example.inputs[0]]
    assert result.inputs[0].count(PATTERN) == max(code.count(PATTERN) for code in variants)


@pytest.mark.parametrize("name", NAMES)
def test_results_kept_from_an_interrupted_call_are_reused_and_the_rest_come_out_the_same(
    name, pair, sources
):
    teacher, student = pair
    search = SEARCHES.create(name, budget=60)
    whole = search.run(sources, teacher, student, "c", seed=1)
    found = []
    done = {r.example_id: r for r in whole[: len(whole) // 2]}
    asked = []

    def counting(batch):
        asked.extend(batch)
        return student.fn(batch)

    counted = CallableClassifier(counting, "counting")
    again = search.run(sources, teacher, counted, "c", seed=1, done=done, on_result=found.append)
    assert [r.to_dict() for r in again] == [r.to_dict() for r in whole]
    assert sorted(r.example_id for r in found) == sorted(e.id for e in sources[len(done):])
    assert not {example.inputs for example in sources[: len(done)]} & set(asked)
