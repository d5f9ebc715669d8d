"""`metacompress.attack`: one model, or a teacher and its student compared with transfers."""

from __future__ import annotations

import json

import numpy as np
import pytest

from metacompress.data.types import Example
from metacompress.errors import ConfigError
from metacompress.models import CallableClassifier
from metacompress.testing.attacks import BUF_CODE, EXAMPLES, name_detector
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


def _many_examples() -> list[Example]:
    """Twelve labelled functions, each attacked on its own."""
    return [Example(f"ex{i}", (f"{BUF_CODE}\n/* example {i} */\n",), 1) for i in range(12)]


def _victim(stop_after: int | None = None) -> CallableClassifier:
    """The same victim each call (one fingerprint); with `stop_after`, interrupted at that
    model call as Ctrl-C would."""
    detect = name_detector("buf")
    calls = []

    def fn(batch):
        calls.append(len(batch))
        if stop_after is not None and len(calls) > stop_after:
            raise KeyboardInterrupt
        return detect(batch)

    victim = CallableClassifier(fn, "victim", fingerprint="victim-v1")
    victim.calls = calls
    return victim


def test_an_interrupted_attack_goes_on_from_its_journal_and_gives_the_same_results(tmp_path):
    examples = _many_examples()
    settings = {"budget": 20, "max_active": 1, "seed": 3}
    whole = attack("wir-random", _victim(), examples, **settings)
    with pytest.raises(KeyboardInterrupt):
        attack("wir-random", _victim(stop_after=24), examples, journal=tmp_path, **settings)
    kept = (tmp_path / "model.jsonl").read_text().splitlines()
    assert 1 < len(kept) < 1 + len(examples)  # the header and some, not all, results
    again = _victim()
    resumed = attack("wir-random", again, examples, journal=tmp_path, **settings)
    run = resumed.runs["model"]
    assert run.resumed == {"results": len(kept) - 1, "torn_lines": 0}
    assert [r.to_dict() for r in run.results] == [r.to_dict() for r in whole.runs["model"].results]
    assert run.summary.to_dict() == whole.runs["model"].summary.to_dict()
    assert sum(again.calls) < sum(_victim_calls(examples, settings))


def _victim_calls(examples, settings) -> list[int]:
    victim = _victim()
    attack("wir-random", victim, examples, **settings)
    return victim.calls


def test_a_journal_of_other_settings_is_started_again_and_a_cut_line_is_counted(tmp_path):
    examples = _many_examples()
    with pytest.raises(KeyboardInterrupt):
        attack("wir-random", _victim(stop_after=24), examples, journal=tmp_path, budget=20,
               max_active=1, seed=3)  # fmt: skip
    path = tmp_path / "model.jsonl"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines) + "\n" + lines[-1][: len(lines[-1]) // 2])
    cut = attack("wir-random", _victim(), examples, journal=tmp_path, budget=20, max_active=1,
                 seed=3).runs["model"]  # fmt: skip
    assert cut.resumed == {"results": len(lines) - 1, "torn_lines": 1}
    other = attack("wir-random", _victim(), examples, journal=tmp_path, budget=20, max_active=1,
                   seed=4).runs["model"]  # fmt: skip
    assert other.resumed == {"results": 0, "torn_lines": 0}
    assert "resumed" not in other.record()
