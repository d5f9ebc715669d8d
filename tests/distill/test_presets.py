from __future__ import annotations

import pytest

from metacompress.distill.base import DISTILLERS
from metacompress.distill.presets import (
    BUDGETS,
    METHODS,
    student_plans,
    task_data,
    teacher_init,
    teacher_preset,
    train_stage_teacher,
    with_params,
)
from metacompress.errors import ConfigError


@pytest.mark.parametrize("task", ["vulnerability", "clone"])
def test_every_budget_plans_the_three_methods_at_its_size(task):
    for budget in BUDGETS:
        plans = student_plans(budget, task)
        assert tuple(p.method for p in plans) == METHODS
        sizes = {p.params["size_mb"] for p in plans}
        assert sizes == {3.0} if budget != "demo" else max(sizes) < 3.0


def test_every_plan_is_a_valid_distiller():
    for budget in BUDGETS:
        for plan in student_plans(budget, "clone"):
            made = DISTILLERS.create(plan.method, **plan.params)
            assert made.size_mb == plan.params["size_mb"]


def test_teacher_presets_and_checkpoints_per_budget():
    assert teacher_preset("cpu", "vulnerability").max_length == 256
    assert teacher_preset("demo", "clone").hidden_size < teacher_preset("paper", "clone").hidden_size
    assert teacher_init("paper", "graphcodebert") == "microsoft/graphcodebert-base"
    assert teacher_init("cpu", "roberta") is None
    with pytest.raises(ConfigError, match="budget"):
        teacher_preset("huge", "clone")
    with pytest.raises(ConfigError, match="task"):
        student_plans("demo", "translation")


def test_with_params_changes_one_plan_only():
    plan = student_plans("demo", "vulnerability")[0]
    changed = with_params(plan, temperature=2.0, seed=3)
    assert changed.params["temperature"] == 2.0 and changed.params["seed"] == 3
    assert plan.params.get("temperature") != 2.0 and "seed" not in plan.params
    assert changed.params["size_mb"] == plan.params["size_mb"]


def test_synthetic_task_data_splits_are_disjoint_and_unlabelled_where_they_should_be():
    data = task_data("demo", "vulnerability")
    sizes = [len(data.labelled), len(data.unlabelled), len(data.valid), len(data.test)]
    assert sizes == [1600, 3000, 200, 300]
    ids = [e.id for part in (data.labelled, data.unlabelled, data.valid, data.test) for e in part]
    assert len(set(ids)) == len(ids)
    assert all(e.label is None for e in data.unlabelled)
    assert all(e.label in (0, 1) for e in data.labelled + data.valid + data.test)
    assert task_data("demo", "vulnerability").labelled == data.labelled, "seeded"
    with pytest.raises(ConfigError, match="folder"):
        task_data("cpu", "clone")


def test_a_finished_teacher_stage_is_read_back_not_retrained(tiny_teacher):
    # data=None: the stage would fail if it tried to train again
    spec = train_stage_teacher("demo", "vulnerability", "roberta", None, tiny_teacher.parent)
    assert spec == tiny_teacher
