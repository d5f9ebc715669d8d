"""`metacompress.run`: configs as files, mappings or RunConfigs; models and data as objects or
specs; the result's tables and reports."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import yaml

import metacompress as mc
from metacompress.data.types import Example
from metacompress.errors import ConfigError
from metacompress.models import CallableClassifier

CONFIG = {
    "task": "vulnerability",
    "followups": ["rename-locals"],
    "relations": ["prediction-agreement"],
    "statistics": {"bootstrap": 20},
    "report": [],
}


def _probs(batch, salt: str):
    p = [hashlib.sha256((salt + x[0]).encode()).digest()[0] / 255 for x in batch]
    return np.column_stack([1 - np.array(p), p])


def teacher_fn(batch):
    return _probs(batch, "")


def student_fn(batch):
    return _probs(batch, "s")


def _examples(n: int = 6) -> list[Example]:
    return [Example(f"e{i}", (f"int f{i}(int a) {{ int x = a; return x + {i}; }}",), i % 2)
            for i in range(n)]  # fmt: skip


def test_objects_need_no_placeholder_specs_or_data(tmp_path):
    teacher, student = CallableClassifier(teacher_fn, "t"), CallableClassifier(student_fn, "s")
    result = mc.run(CONFIG, teacher=teacher, student=student, data=_examples(), out=tmp_path / "r")
    assert result.run_dir == tmp_path / "r" and result.summary["counts"]["examples"] == 6
    assert (result.config.teacher, result.config.student, result.config.data) == (None, None, {})
    variants = result.tables["variants"]
    assert set(variants.column("followup").to_pylist()) == {"source", "rename-locals"}
    assert "prediction-agreement" in result.to_markdown()
    assert result.to_html().startswith("<!DOCTYPE html>")
    effectiveness = result.paper_tables["effectiveness"]
    assert effectiveness.column("model").to_pylist() == ["teacher", "student"]
    assert set(result.paper_tables) == {"effectiveness", "robustness", "metamorphic", "transfer",
                                        "headline"}  # fmt: skip
    again = mc.run(result.config, teacher=teacher, student=student, data=_examples(),
                   out=tmp_path / "again")  # fmt: skip
    assert again.tables["verdicts"].equals(result.tables["verdicts"])


def test_a_yaml_file_with_specs_and_settings(tmp_path, monkeypatch):
    (tmp_path / "run_models.py").write_text(
        "from numpy import full\n"
        "def teacher_fn(batch):\n    return full((len(batch), 2), 0.5)\n"
        "def student_fn(batch):\n    return full((len(batch), 2), 0.5)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    for role in ("teacher", "student"):
        (tmp_path / f"{role}.yaml").write_text(
            f"format: callable\nfunction: run_models:{role}_fn\n"
        )
    data = tmp_path / "data.jsonl"
    data.write_text("".join(
        f'{{"idx": {e.id[1:]}, "func": "{e.inputs[0]}", "target": {e.label}}}\n'
        for e in _examples()
    ))  # fmt: skip
    config = {**CONFIG, "data": {"path": "data.jsonl"}, "teacher": "teacher.yaml",
              "student": "student.yaml"}  # fmt: skip
    (tmp_path / "exp.yaml").write_text(yaml.safe_dump(config))
    result = mc.run(tmp_path / "exp.yaml", trust_remote_code=True, seed=4, limit=4)
    assert result.summary["seed"] == 4 and result.summary["counts"]["examples"] == 4
    assert result.run_dir == tmp_path / "runs" / "exp"


def test_settings_pass_the_config_checks():
    with pytest.raises(ConfigError, match=r"^workers \(override\): expected an integer >= 1"):
        mc.run(CONFIG, teacher=CallableClassifier(teacher_fn), student=CallableClassifier(student_fn),
               data=_examples(), workers=0)  # fmt: skip
    with pytest.raises(ConfigError, match="teacher: missing required key"):
        mc.run(CONFIG, student=CallableClassifier(student_fn), data=_examples())


def test_a_study_with_student_objects_from_python(tmp_path):
    teacher = CallableClassifier(teacher_fn, "t")
    a, b = CallableClassifier(student_fn, "a"), CallableClassifier(teacher_fn, "b")
    students = {"alpha": a, "beta": {"model": b, "method": "BETA", "seed": 3}}
    result = mc.run({**CONFIG, "student": "no/such/student.yaml"}, teacher=teacher,
                    students=students, data=_examples(), out=tmp_path / "s")  # fmt: skip
    assert [(s.name, s.model, s.method, s.seed) for s in result.config.students] == [
        ("alpha", None, None, None), ("beta", None, "BETA", 3)]
    effectiveness = result.paper_tables["effectiveness"]
    assert effectiveness.column("model").to_pylist() == ["teacher", "alpha", "beta"]
    accuracy = dict(zip(effectiveness.column("model").to_pylist(),
                        effectiveness.column("accuracy").to_pylist(), strict=True))  # fmt: skip
    assert accuracy["beta"] == accuracy["teacher"]  # beta answers as the teacher does
    rates = result.tables["rates"].to_pylist()
    agreement = {r["pair"]: r["rate"] for r in rates
                 if r["relation"] == "prediction-agreement" and r["followup"] == "source"}
    assert set(agreement) == {"teacher/alpha", "teacher/beta"}
    assert agreement["teacher/beta"] == 0.0 < agreement["teacher/alpha"]
    again = mc.run(result.config, teacher=teacher, students=students, data=_examples(),
                   out=tmp_path / "again")  # fmt: skip
    assert again.tables["verdicts"].equals(result.tables["verdicts"])
    with pytest.raises(ConfigError, match="not both"):
        mc.run(CONFIG, teacher=teacher, student=a, students=students, data=_examples())
    with pytest.raises(ConfigError, match="alpha"):  # a student the config gives no model for
        mc.run(result.config, teacher=teacher, data=_examples(), out=tmp_path / "none")
