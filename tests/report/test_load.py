"""Reports built from a real run directory (the pipeline run on callable test models)."""

from __future__ import annotations

import hashlib
import json
import re

import numpy as np
import pytest

from metacompress.cli import main
from metacompress.data.types import Example
from metacompress.errors import ConfigError
from metacompress.models import CallableClassifier
from metacompress.pipeline.config import parse_config
from metacompress.pipeline.runner import run_experiment
from metacompress.report import write_reports
from metacompress.report.load import load_report_data


def _code(i: int) -> str:
    return (
        f"int f{i}(int a, int b) {{\n    int x = a + {i};\n    int y = x * b;\n    return y;\n}}\n"
    )


def _teacher(batch):
    p = np.array(
        [0.05 + 0.9 * hashlib.sha256("".join(x).encode()).digest()[0] / 255 for x in batch]
    )
    return np.stack([1 - p, p], axis=1)


def _student(batch):
    probs = _teacher(batch)
    flip = np.array([re.search(r"\bf3\s*\(", x[0]) is not None for x in batch])
    return np.where(flip[:, None], probs[:, ::-1], probs)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    config = parse_config(
        {
            "task": "vulnerability",
            "data": {"format": "synth"},
            "teacher": "unused",
            "student": "unused",
            "followups": [{"transforms": ["rename-locals"]}],
            "relations": ["prediction-agreement", "label-invariance-student"],
            "gates": [{"relation": "prediction-agreement", "max_violation": 0.01}],
            "statistics": {"bootstrap": 100},
            "output": str(out),
            "report": [],
        },
        source=str(out / "config.yaml"),
    )
    examples = [Example(f"e{i}", (_code(i),), i % 2) for i in range(8)]
    models = {
        "teacher": CallableClassifier(_teacher, "hash-teacher", fingerprint="t1"),
        "student": CallableClassifier(_student, "flip-student", fingerprint="s1"),
    }
    run_experiment(config, data=examples, models=models)
    return out


def test_report_data_reflects_the_run_tables(run_dir):
    data = load_report_data(run_dir)
    agreement = [v for v in data.violations if "prediction-agreement" in v.relations]
    # The student differs from the teacher only on f3: both its source and follow-up disagree.
    assert [v.variant_id for v in agreement] == ["e3/rename-locals"]
    assert agreement[0].student_followup == pytest.approx(agreement[0].teacher_followup[::-1])
    pooled = data.pooled("prediction-agreement")
    assert (pooled.applicable, pooled.violations) == (8, 1)
    assert data.counts["examples"] == 8
    assert not data.passed and data.gates[0].relation == "prediction-agreement"
    assert data.teacher.n_labelled == 8 and data.teacher.accuracy is not None
    summary = json.loads((run_dir / "summary.json").read_text())
    assert data.meta["seed"] == summary["seed"]
    assert data.sweeps and data.sweeps[0].relation == "prediction-agreement"


def test_write_reports_writes_each_format(run_dir):
    written = {p.name for p in write_reports(run_dir, ["html", "md", "json", "junit", "csv"])}
    assert {
        "report.html",
        "report.md",
        "report.json",
        "report.junit.xml",
        "verdicts.csv",
    } <= written
    body = json.loads((run_dir / "report.json").read_text())
    assert body["passed"] is False
    assert "e3/rename-locals" in (run_dir / "report.html").read_text()


def test_report_cli_and_errors(run_dir, tmp_path, capsys):
    assert main(["report", str(run_dir), "--format", "md"]) == 0
    assert str(run_dir / "report.md") in capsys.readouterr().out
    assert main(["report", str(tmp_path), "--format", "md"]) == 2
    assert "run.sqlite not found" in capsys.readouterr().err
    with pytest.raises(ConfigError, match="unknown report format"):
        write_reports(run_dir, ["pdf"])
