"""A deviation search as a follow-up of a run: `{search: deviation, budget: N}`.

The planted pair: the teacher answers by the function alone (0.9 vulnerable, whatever the
code's shape); the student answers like it but loses 0.25 of its confidence per dead branch
`if (0)`, so two inserted dead branches make the two disagree.
"""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pytest
from pipeline_doubles import config_dict, examples

from metacompress.code.edits import Edit, apply_edits
from metacompress.errors import ConfigError
from metacompress.models import CallableClassifier

SEARCH = {"search": "deviation", "budget": 150}


def _teacher(batch) -> np.ndarray:
    return np.array([[0.1, 0.9] for _ in batch])


def _student(batch) -> np.ndarray:
    p = np.array([0.9 - 0.25 * code.count("if (0)") for (code,) in batch]).clip(0, 1)
    return np.stack([1 - p, p], axis=1)


@pytest.fixture(scope="module")
def searched(tmp_path_factory):
    from metacompress.pipeline.config import parse_config
    from metacompress.pipeline.runner import run_experiment

    out = tmp_path_factory.mktemp("searched")
    config = parse_config(
        config_dict(out / "run", followups=["for-to-while", SEARCH]), base_dir=out
    )
    models = {
        "teacher": CallableClassifier(_teacher, "t", fingerprint="st"),
        "student": CallableClassifier(_student, "s", fingerprint="ss"),
    }
    outcome = run_experiment(config, data=examples(6), models=models)
    return config, outcome, sqlite3.connect(outcome.run_dir / "run.sqlite")


def test_the_search_is_a_followup_pooled_with_the_attacks(searched):
    config, _, db = searched
    (spec,) = [f for f in config.followups if f.kind == "search"]
    assert (spec.name, spec.component, spec.params) == ("deviation", "deviation", {"budget": 150})
    assert config.pools()["attacks"] == ["deviation"]
    assert config.pools()["transformations"] == ["for-to-while"]
    kind, stored = db.execute(
        "SELECT kind, spec FROM followups WHERE name = 'deviation'"
    ).fetchone()
    assert kind == "search" and json.loads(stored)["search"] == "deviation"


def test_every_source_gets_its_triggering_input(searched):
    _, _, db = searched
    rows = db.execute("SELECT example_id, status, queries FROM search_results").fetchall()
    assert len(rows) == 6 and all(status == "success" and q <= 150 for _, status, q in rows)
    variants = db.execute(
        "SELECT e.inputs, v.inputs, v.edits, v.steps, t.predicted, s.predicted FROM variants v"
        " JOIN examples e ON e.example_id = v.example_id"
        " JOIN outputs t ON t.input_key = v.input_key AND t.model = 'teacher'"
        " JOIN outputs s ON s.input_key = v.input_key AND s.model = 'student'"
        " WHERE v.followup = 'deviation' AND v.status = 'ok'"
    ).fetchall()
    assert len(variants) == 6
    for source, variant, edits, steps, teacher, student in variants:
        (source,), (variant,) = json.loads(source), json.loads(variant)
        assert variant.count("if (0)") >= 2 and (teacher, student) == (1, 0)
        (step,) = json.loads(edits)[0]
        assert apply_edits(source, [Edit.from_dict(e) for e in step]) == variant
        assert "insert-dead-branch" in json.loads(steps)[0]


def test_the_induced_disagreement_is_read_against_the_agreeing_sources(searched):
    _, _, db = searched
    induced = dict(db.execute(
        "SELECT followup, induced FROM rates WHERE relation = 'prediction-agreement'"
    ).fetchall())  # fmt: skip
    assert induced["deviation"] == 1.0 and induced["attacks"] == 1.0
    assert induced["for-to-while"] == 0.0


@pytest.mark.parametrize(
    ("followup", "message"),
    [
        ({"search": "nowhere"}, "unknown deviation search 'nowhere'"),
        ({"search": "deviation", "budget": 0}, "expected an integer >= 1"),
        ({"search": "deviation", "params": {"transforms": ["no-such"]}}, "no-such"),
        ({"search": "deviation", "against": "teacher"}, "against"),
    ],
)
def test_a_bad_search_followup_is_a_config_error(tmp_path, followup, message):
    from metacompress.pipeline.config import parse_config

    with pytest.raises(ConfigError, match=message):
        parse_config(config_dict(tmp_path / "run", followups=[followup]), base_dir=tmp_path)


def test_a_search_followup_round_trips(tmp_path):
    from metacompress.pipeline.config import parse_config

    config = parse_config(config_dict(tmp_path / "run", followups=[SEARCH]), base_dir=tmp_path)
    again = parse_config(config.to_dict(), base_dir=tmp_path)
    assert again.followups == config.followups


def test_the_report_lists_every_deviation_with_its_diff_and_both_models(searched):
    from metacompress.report.html import render_html
    from metacompress.report.load import load_report_data

    _, outcome, db = searched
    data = load_report_data(outcome.run_dir)
    assert len(data.deviations) == 6 and data.counts["deviations_total"] == 6
    queries = dict(db.execute("SELECT example_id, queries FROM search_results").fetchall())
    for deviation in data.deviations:
        assert deviation.origin == "deviation"
        assert deviation.queries == queries[deviation.example_id]
        assert deviation.teacher_followup[1] == pytest.approx(0.9)
        assert deviation.student_followup[1] < 0.5 < deviation.student_source[1]
        assert deviation.followup[0].count("if (0)") >= 2
    html = render_html(data)
    section = html[html.index('id="deviations"') : html.index("Violating examples")]
    assert section.count('<details class="deviation">') == 6
    assert section.count('<table class="diff">') == 6
    assert "teacher P(positive) = 0.900" in section and "if (0)" in section
    shown = load_report_data(outcome.run_dir, max_violations=2)
    html = render_html(shown)
    section = html[html.index('id="deviations"') : html.index("Violating examples")]
    assert len(shown.deviations) == 2 and "Showing 2 of 6." in section
