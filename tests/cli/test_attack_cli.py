"""`metacompress attack`: results JSONL and summary JSON, teacher vs student, usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metacompress.cli import main

FUNCTIONS = """
import re

import numpy as np


def _detector(name, confident):
    pattern = re.compile(r"\\b%s\\b" % name)

    def fn(batch):
        return np.array([[1 - confident, confident] if pattern.search(b[0])
                         else [confident, 1 - confident] for b in batch])

    return fn


teacher = _detector("buf", 0.9)
student = _detector("total", 0.9)
"""

BUF = "int f(int n) {\n    char buf[8];\n    int total = n;\n    buf[0] = n;\n    return total + buf[0];\n}\n"
PLAIN = "int g(int a, int b) {\n    int c = a + b;\n    return c;\n}\n"


@pytest.fixture
def setup(tmp_path: Path) -> Path:
    (tmp_path / "victims.py").write_text(FUNCTIONS)
    for role in ("teacher", "student"):
        (tmp_path / f"{role}.yaml").write_text(
            f"format: callable\nfunction: victims:{role}\ntask: vulnerability\n"
        )
    rows = [
        {"idx": 1, "func": BUF, "target": 1},
        {"idx": 2, "func": PLAIN, "target": 0},
        {"idx": 3, "func": PLAIN, "target": 1},
        {"idx": 4, "func": BUF.replace("buf", "arr"), "target": 0},
    ]
    (tmp_path / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return tmp_path


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_attack_writes_results_and_summary(setup: Path, capsys):
    out = setup / "out"
    code = main(
        [
            "attack",
            "--model", str(setup / "teacher.yaml"),
            "--data", str(setup / "data.jsonl"),
            "--method", "wir-random",
            "--budget", "50",
            "--seed", "2",
            "--trust-remote-code",
            "--out", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    results = _read_jsonl(out / "results.jsonl")
    statuses = [r["status"] for r in results]
    assert statuses[0] == "success" and statuses[2] == "skipped"
    assert results[2]["reason"].startswith("misclassified")
    assert all(r["queries"] <= 50 for r in results)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["attack"] == "wir-random"
    assert summary["params"]["budget"] == 50
    succeeded = statuses.count("success")
    assert summary["summary"]["attack_success_rate"] == pytest.approx(succeeded / 3)
    assert summary["summary"]["clean"] == pytest.approx(0.75)
    assert summary["summary"]["adversarial"] == pytest.approx((3 - succeeded) / 4)
    assert summary["engine"]["model_inputs"] > 0
    assert f"success rate {succeeded / 3:.3f}" in capsys.readouterr().out


def test_teacher_and_student_are_compared_and_transferred(setup: Path):
    out = setup / "pair"
    code = main(
        [
            "attack",
            "--model", str(setup / "teacher.yaml"),
            "--student", str(setup / "student.yaml"),
            "--data", str(setup / "data.jsonl"),
            "--method", "mhm",
            "--param", "max_iterations=20",
            "--trust-remote-code",
            "--out", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary) >= {"teacher", "student", "drop_increase_percent", "transfer_rate"}
    teacher = summary["teacher"]["summary"]
    student = summary["student"]["summary"]
    expected = (
        100 * (student["relative_drop"] - teacher["relative_drop"]) / teacher["relative_drop"]
    )
    assert summary["drop_increase_percent"] == pytest.approx(expected)
    ratio = student["relative_drop"] / teacher["relative_drop"]
    assert summary["drop_ratio"] == pytest.approx(ratio)
    assert (out / "teacher" / "results.jsonl").is_file()
    assert (out / "student" / "results.jsonl").is_file()
    assert not (out / ".journal").exists()  # kept only until summary.json is written
    moved = _read_jsonl(out / "transfer.jsonl")
    assert {m["direction"] for m in moved} <= {"teacher->student", "student->teacher"}
    assert moved


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--param", "nonsense"], "KEY=VALUE"),
        (["--param", "colour=3"], "no parameter 'colour'"),
        (["--budget", "0"], "budget must be in"),
        (["--limit", "0"], "--limit must be"),
        (["--mlm", "x"], "--mlm is only used by --method alert"),
    ],
)
def test_usage_errors_exit_2(setup: Path, extra, message, capsys):
    code = main(
        [
            "attack",
            "--model", str(setup / "teacher.yaml"),
            "--data", str(setup / "data.jsonl"),
            "--method", "mhm",
            "--trust-remote-code",
            "--out", str(setup / "bad"),
            *extra,
        ]
    )  # fmt: skip
    assert code == 2
    assert message in capsys.readouterr().err


def test_alert_without_a_masked_lm_is_a_usage_error(setup: Path, capsys):
    code = main(
        [
            "attack",
            "--model", str(setup / "teacher.yaml"),
            "--data", str(setup / "data.jsonl"),
            "--method", "alert",
            "--trust-remote-code",
            "--out", str(setup / "alert"),
        ]
    )  # fmt: skip
    assert code == 2
    assert "alert needs a masked language model" in capsys.readouterr().err


def test_a_deviation_search_compares_teacher_and_student(setup: Path, capsys):
    out = setup / "deviation"
    code = main(
        [
            "attack",
            "--model", str(setup / "teacher.yaml"),
            "--student", str(setup / "student.yaml"),
            "--data", str(setup / "data.jsonl"),
            "--method", "deviation",
            "--budget", "200",
            "--trust-remote-code",
            "--out", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    results = _read_jsonl(out / "results.jsonl")
    assert [r["search"] for r in results] == ["deviation"] * 4
    # The fourth example has "total" but no "buf": the models disagree before any search.
    assert results[3]["status"] == "skipped" and "disagree" in results[3]["reason"]
    found = [r for r in results if r["status"] == "success"]
    assert found and all(r["queries"] <= 200 for r in results)
    for r in found:
        assert (r["teacher_probs"][1] > 0.5) != (r["student_probs"][1] > 0.5)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["attack"] == "deviation" and summary["params"]["budget"] == 200
    assert summary["summary"]["found"] == len(found) and summary["summary"]["searched"] == 3
    assert summary["engine"]["model_inputs"] > 0 and summary["student"].endswith("student.yaml")
    assert "triggering inputs found for" in capsys.readouterr().out
    assert not (out / ".journal").exists()  # kept only until summary.json is written


def test_an_interrupted_deviation_search_goes_on_from_its_journal(setup: Path, monkeypatch):
    from metacompress.cli import EXIT_INTERRUPTED
    from metacompress.workflows.attack_journal import AttackJournal

    def command(out: Path) -> list[str]:
        return ["attack", "--model", str(setup / "teacher.yaml"),
                "--student", str(setup / "student.yaml"), "--data", str(setup / "data.jsonl"),
                "--method", "deviation", "--budget", "200", "--trust-remote-code",
                "--out", str(out)]  # fmt: skip

    assert main(command(setup / "whole")) == 0
    write = AttackJournal.write

    def write_then_stop(self, result):
        write(self, result)
        if len(self.path.read_text().splitlines()) > 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(AttackJournal, "write", write_then_stop)
    out = setup / "interrupted"
    assert main(command(out)) == EXIT_INTERRUPTED
    assert not (out / "summary.json").exists()
    monkeypatch.setattr(AttackJournal, "write", write)
    assert main(command(out)) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["resumed"] == {"results": 2, "torn_lines": 0}
    assert _read_jsonl(out / "results.jsonl") == _read_jsonl(setup / "whole" / "results.jsonl")


def test_a_deviation_search_needs_a_student(setup: Path, capsys):
    code = main(
        [
            "attack",
            "--model", str(setup / "teacher.yaml"),
            "--data", str(setup / "data.jsonl"),
            "--method", "deviation",
            "--out", str(setup / "alone"),
        ]
    )  # fmt: skip
    assert code == 2 and "give --student" in capsys.readouterr().err
