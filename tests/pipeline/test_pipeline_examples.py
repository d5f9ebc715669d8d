"""The example configs in examples/: valid as shipped, and runnable end to end with a limit."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from metacompress.pipeline.config import load_config
from metacompress.pipeline.runner import run_experiment
from metacompress.testing.tiny import tiny_classifier

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CONFIGS = sorted(EXAMPLES.glob("*.yaml"))


def test_there_are_example_configs_for_both_data_sets_and_the_synthetic_benchmark():
    assert {p.stem for p in CONFIGS} >= {"devign", "bigclonebench", "synthetic"}


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.stem)
def test_every_example_config_is_valid(path):
    config = load_config(path)
    assert config.followups and config.relations and config.gates
    assert Path(config.output).is_relative_to(EXAMPLES.parent)
    if config.data["format"] != "synth":
        assert Path(config.data["path"]).name.endswith(".jsonl.xz")


@pytest.mark.slow
@pytest.mark.data
@pytest.mark.parametrize("name", ["devign", "bigclonebench", "synthetic"])
def test_an_example_runs_end_to_end_with_a_limit(name, shared_data, tmp_path):
    config = load_config(EXAMPLES / f"{name}.yaml", out=tmp_path / "run", limit=3)
    config = config.replace(
        teacher=str(tiny_classifier(tmp_path / "teacher", 0)),
        student=str(tiny_classifier(tmp_path / "student", 1)),
        device="cpu",
        workers=1,
    )
    outcome = run_experiment(config)
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["counts"]["examples"] == 3
    assert summary["counts"]["outputs"]["teacher"]["ok"] == summary["counts"]["unique_inputs"]
    assert (tmp_path / "run" / "report.html").is_file()
    with sqlite3.connect(tmp_path / "run" / "run.sqlite") as db:
        visible = db.execute("SELECT truncated, visible_chars FROM outputs").fetchall()
    assert all(t in (0, 1) and len(json.loads(v)) == (2 if name == "bigclonebench" else 1)
               for t, v in visible)  # fmt: skip
    assert len(outcome.gates) == len(config.gates)


@pytest.mark.slow
@pytest.mark.data
def test_the_study_examples_run_end_to_end_and_compare_into_one_table_set(shared_data, tmp_path):
    from metacompress.pipeline.students import StudentSpec
    from metacompress.report.compare import compare

    runs = []
    for name in ("study-devign", "study-bigclonebench"):
        config = load_config(EXAMPLES / f"{name}.yaml", out=tmp_path / name, limit=3)
        students = tuple(
            StudentSpec(s.name, str(tiny_classifier(tmp_path / name / "models" / s.name, i + 1)),
                        s.method)  # fmt: skip
            for i, s in enumerate(config.students)
        )
        config = config.replace(
            teacher=str(tiny_classifier(tmp_path / name / "models" / "teacher", 0)),
            students=students, device="cpu", workers=1,
        )  # fmt: skip
        run_experiment(config)
        assert (tmp_path / name / "tables" / "paper" / "effectiveness.tex").is_file()
        runs.append(tmp_path / name)
    tables = {t.name: t for t in compare(runs, tmp_path / "paper")}
    rows = tables["effectiveness"].rows
    assert {r["task"] for r in rows} == {"vulnerability", "clone"}
    assert {r["method"] for r in rows if r["role"] == "student"} == {"Compressor", "AVATAR", "MORPH"}
    assert (tmp_path / "paper" / "headline.md").is_file()
