"""Robustness inside a run: the run's attack table is `attacks.summary` of the attack itself.

The planted case of the issue: twelve examples, all classified right by both models, six of
them without a renamable identifier. The teacher reads only the function's shape, so no
renaming moves it; the student says "vulnerable" while the local `x` exists, so renaming `x`
flips it. The report once said clean 0.5 and adversarial 0.5 here; both are 1.0 for the
teacher, and the student's success rate is over the twelve examples it got right.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from pipeline_doubles import config_dict, example_code

from metacompress.attacks import ATTACKS, summarize
from metacompress.data.types import Example
from metacompress.hashing import derive_seed
from metacompress.models import CallableClassifier

ATTACK = {"attack": "mhm", "against": "both", "params": {"budget": 300, "max_iterations": 80}}


def _no_identifier(i: int) -> str:
    return f"int g{i}(void) {{\n    return {i};\n}}\n"


def _examples() -> list[Example]:
    with_names = [Example(f"a{i}", (example_code(i),), 1) for i in range(6)]
    without = [Example(f"b{i}", (_no_identifier(i),), 1) for i in range(6)]
    return with_names + without


def _teacher(batch) -> np.ndarray:
    return np.array([[0.1, 0.9] for _ in batch])


def _student(batch) -> np.ndarray:
    keeps = [re.search(r"\bx\b", code) or code.lstrip().startswith("int g") for (code,) in batch]
    return np.array([[0.1, 0.9] if keep else [0.8, 0.2] for keep in keeps])


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    from metacompress.pipeline.config import parse_config
    from metacompress.pipeline.runner import run_experiment
    from metacompress.report.load import load_report_data

    out = tmp_path_factory.mktemp("attacked")
    config = parse_config(config_dict(out / "run", followups=[ATTACK], statistics={
        "bootstrap": 200}), base_dir=out)  # fmt: skip
    models = {
        "teacher": CallableClassifier(_teacher, "t", fingerprint="rt"),
        "student": CallableClassifier(_student, "s", fingerprint="rs"),
    }
    outcome = run_experiment(config, data=_examples(), models=models)
    expected = {
        victim: summarize(
            ATTACKS.create("mhm", **ATTACK["params"]).run(
                _examples(), models[victim], "c", seed=derive_seed(config.seed, f"mhm@{victim}")
            ),
            "vulnerability",
        )
        for victim in ("teacher", "student")
    }
    return outcome, expected, load_report_data(outcome.run_dir)


FIELDS = ("examples", "labelled", "correct", "attacked", "succeeded", "failed", "no_identifier",
          "errors", "not_attacked_other", "clean", "adversarial", "relative_drop",
          "mean_queries")  # fmt: skip


def test_the_run_table_equals_attacks_summary(attacked):
    outcome, expected, _ = attacked
    rows = {r["victim"]: r for r in outcome.summary["results"]["robustness"]}
    for victim, summary in expected.items():
        row = rows[victim]
        for name in FIELDS:
            assert row[name] == pytest.approx(getattr(summary, name)), (victim, name)
        assert row["success_rate"] == pytest.approx(summary.attack_success_rate)
    teacher, student = rows["teacher"], rows["student"]
    assert (teacher["correct"], teacher["no_identifier"], teacher["attacked"]) == (12, 6, 6)
    assert teacher["clean"] == teacher["adversarial"] == 1.0 and teacher["success_rate"] == 0.0
    assert student["succeeded"] == 6 and student["success_rate"] == pytest.approx(0.5)
    assert student["adversarial"] == pytest.approx(0.5)
    assert student["success_rate_low"] < 0.5 < student["success_rate_high"]


def test_the_report_shows_the_run_numbers_and_states_an_undefined_ratio(attacked):
    outcome, expected, data = attacked
    shown = {a.victim: a for a in data.attacks}
    assert shown["teacher"].clean.value == 1.0 and shown["teacher"].adversarial.value == 1.0
    assert shown["student"].success_rate.value == pytest.approx(
        expected["student"].attack_success_rate
    )
    (gap,) = data.attack_gaps
    assert gap.drop_ratio is None  # the teacher's drop is 0: no ratio, not a number
    from metacompress.report.html import render_html

    assert "the teacher's relative drop is 0 or undefined" in render_html(data)


def test_failed_attacks_contribute_their_final_input(attacked):
    outcome, _, data = attacked
    teacher_sets = {r.origin: r for r in data.relations if r.relation == "label-invariance-teacher"}
    row = teacher_sets["mhm@teacher"]
    # six failed searches give six follow-ups (not zero), and the teacher keeps its label
    assert row.applicable == 6 and row.violations == 0
    student = {r.origin: r for r in data.relations if r.relation == "label-invariance-student"}
    assert student["mhm@student"].applicable == 6 and student["mhm@student"].violations == 6
    pools = [r.origin for r in data.relations if r.relation == "prediction-agreement"]
    assert "attacks" in pools and "transformations" not in pools
