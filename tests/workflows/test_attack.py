"""`metacompress.attack`: one model, or a teacher and its student compared with transfers."""

from __future__ import annotations

import json

import numpy as np
import pytest

from metacompress.errors import ConfigError
from metacompress.models import CallableClassifier
from metacompress.testing.attacks import EXAMPLES, name_detector
from metacompress.workflows.attack import attack


def test_a_teacher_and_its_student_are_attacked_compared_and_written(tmp_path):
    teacher = CallableClassifier(name_detector("buf"), "teacher")
    student = CallableClassifier(name_detector("buf", confident=0.6), "student")
    report = attack("wir-random", teacher, EXAMPLES, student=student, budget=30)
    assert set(report.runs) == {"teacher", "student"} and report.task == "vulnerability"
    assert report.runs["teacher"].summary.attacked >= 1
    assert set(report.transfers) == {"teacher->student", "student->teacher"}
    path = report.write(tmp_path, {"data": "given"})
    body = json.loads(path.read_text())
    assert body["attack"] == "wir-random" and body["data"] == "given"
    assert body["teacher"]["summary"] == report.runs["teacher"].summary.to_dict()
    assert (tmp_path / "student" / "results.jsonl").read_text().count("\n") == len(EXAMPLES)


def test_one_model_alone():
    model = CallableClassifier(lambda batch: np.full((len(batch), 2), 0.5), "flat")
    report = attack("mhm", model, EXAMPLES[:2], budget=10)
    assert list(report.runs) == ["model"] and report.comparison is None
    assert report.drop_increase_percent is None and "transfer_rate" not in report.to_dict()


def test_a_student_spec_that_cannot_load_fails_before_the_teacher_is_attacked(tmp_path):
    calls = []

    def counting(batch):
        calls.append(len(batch))
        return name_detector("buf")(batch)

    teacher = CallableClassifier(counting, "teacher")
    missing = tmp_path / "no-such-student"
    with pytest.raises(ConfigError, match="student") as raised:
        attack("wir-random", teacher, EXAMPLES, student=str(missing), budget=30)
    assert str(missing) in str(raised.value)
    assert calls == []
