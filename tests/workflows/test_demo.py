"""The demo's experiment config is valid for the current registries; the whole demo is slow."""

from __future__ import annotations

import json

import pytest

from metacompress.pipeline.config import parse_config
from metacompress.workflows.demo import demo_config, run_demo


def test_demo_config_validates_against_the_registries(tmp_path):
    raw = demo_config(
        tmp_path / "data" / "test.jsonl",
        tmp_path / "models" / "teacher" / "metacompress-model.yaml",
        tmp_path / "models" / "student" / "metacompress-model.yaml",
        tmp_path / "run",
        seed=3,
    )
    config = parse_config(raw, source=str(tmp_path / "demo.yaml"), base_dir=tmp_path)
    names = [f.name for f in config.followups]
    assert "rename-locals" in names and "mhm@teacher" in names and "mhm@student" in names
    assert config.seed == 3 and config.gates


@pytest.mark.slow
def test_demo_runs_end_to_end_offline(tmp_path):
    result = run_demo(tmp_path / "demo", seed=0, quiet=True)
    summary = json.loads((result.run_dir / "summary.json").read_text())
    assert (result.run_dir / "report.html").is_file()
    assert summary["counts"]["examples"] == 60
    assert result.student_spec.is_file() and result.teacher_spec.is_file()
    teacher = next(
        s
        for s in summary["results"]["scores"]
        if s["model"] == "teacher" and s["followup"] == "source"
    )
    assert teacher["accuracy"] >= 0.7  # the teacher learned the patterns: its gap means something
    report = (result.run_dir / "report.md").read_text()
    # the headline is the induced rate beside the clean-input baseline, the baseline first
    assert report.index("**Behaviour gap**") < report.index("Relations, baseline first")
    assert report.index("baseline (source)") < report.index("induced, transformations")
    assert "| prediction-agreement | source |" in report
    gate = summary["gates"][0]
    assert gate["measure"] == "induced" and gate["followup"] == "transformations"
