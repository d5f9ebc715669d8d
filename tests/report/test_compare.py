"""`compare`: runs of other tasks and students merged; runs that are not comparable refused."""

import json

import pytest

from metacompress.errors import ConfigError
from metacompress.report.compare import compare

from .tables.runs import make_run


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("compare")
    return {
        "a": make_run(root / "a", student="compressor"),
        "b": make_run(root / "b", student="avatar", shift=5),
        "clone": make_run(root / "clone", task="clone", student="compressor"),
        "seed2": make_run(root / "seed2", student="compressor", shift=4, seed=9),
        "strict": make_run(root / "strict", student="morph",
                           relations=[{"name": "prediction-agreement"},
                                      {"name": "high-confidence", "params": {"tau": 0.95}}]),
        "fewer": make_run(root / "fewer", student="morph", n=12),
    }  # fmt: skip


def test_runs_of_two_tasks_and_two_students_give_one_table_set(runs, tmp_path):
    tables = {t.name: t for t in compare([runs["a"], runs["b"], runs["clone"]], tmp_path / "out")}
    rows = tables["effectiveness"].rows
    assert [(r["task"], r["model"], r["method"]) for r in rows] == [
        ("vulnerability", "teacher", "t"), ("vulnerability", "student", "compressor"),
        ("vulnerability", "student", "avatar"), ("clone", "teacher", "t"),
        ("clone", "student", "compressor"),
    ]  # the teacher read from runs a and b counts once  # fmt: skip
    assert {r["task"] for r in tables["metamorphic"].rows} == {"vulnerability", "clone"}
    assert (tmp_path / "out" / "robustness.tex").is_file()
    record = json.loads((tmp_path / "out" / "compare.json").read_text())
    assert [i["task"] for i in record["inputs"]] == ["vulnerability", "vulnerability", "clone"]
    assert record["differences"] == []


def test_students_of_one_method_over_seeds_are_grouped(runs):
    tables = {t.name: t for t in compare([runs["a"], runs["seed2"]])}
    students = [r for r in tables["effectiveness"].rows if r["role"] == "student"]
    assert len(students) == 1 and students[0]["seeds"] == 2
    assert students[0]["accuracy_low"] <= students[0]["accuracy"] <= students[0]["accuracy_high"]
    assert any("median" in note for note in tables["effectiveness"].notes)


def test_other_thresholds_are_refused_naming_the_relation(runs):
    with pytest.raises(ConfigError, match="relation high-confidence is defined as") as error:
        compare([runs["a"], runs["strict"]])
    assert "--allow-mismatch" in str(error.value)
    tables = compare([runs["a"], runs["strict"]], allow_mismatch=True)
    assert all(any("high-confidence" in n and "tau" in n for n in t.notes) for t in tables)


def test_another_data_sample_of_one_task_is_refused(runs):
    with pytest.raises(ConfigError, match="data samples differ for task vulnerability"):
        compare([runs["a"], runs["fewer"]])


def test_a_folder_that_is_not_a_run_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not a run directory"):
        compare([tmp_path])
