"""A study end to end: a callable teacher and three callable students with designed accuracy,
attack susceptibility and disagreement (`study_design`). Every paper table recovers the
design within its intervals, the headline maxima name the right cells, every model scores
each unique input once, the teacher is attacked once; an interrupted and resumed study, a study
served by the shared cache and (in test_ray_backend) a study on Ray write byte-identical tables.

The models' speed is measured and so differs between runs: here it is fixed (`fixed_speed`),
so that every table file can be compared byte for byte (`model_facts.model_speed` is tested in
test_model_facts)."""

from __future__ import annotations

import sqlite3

import pytest
from study_design import ACCURACY, METHODS, SUSCEPTIBILITY, Design, examples

from metacompress.pipeline import run_models
from metacompress.pipeline.config import parse_config
from metacompress.pipeline.runner import run_experiment
from metacompress.report.tables import paper_tables
from metacompress.report.tables.collect import read_study

N = 100
FOLLOWUPS = ["rename-locals", "insert-unused-variable",
             {"attack": "mhm", "against": "both", "params": {"budget": 10}}]  # fmt: skip


def study_config(out, **overrides):
    raw = {
        "task": "vulnerability", "seed": 3, "data": {"format": "jsonl", "path": "given.jsonl"},
        "teacher": "teacher-double",
        "students": {name: {"model": f"{name}-double", "method": method, "seed": 1}
                     for name, method in METHODS.items()},
        "followups": FOLLOWUPS, "relations": ["prediction-agreement"],
        "statistics": {"bootstrap": 200}, "output": str(out), "report": ["html", "md"],
        "cache": "run", **overrides,
    }  # fmt: skip
    return parse_config(raw, base_dir=out.parent)


#: The speed every model reports in this module's runs.
FIXED_SPEED = {"latency_ms": 2.5, "throughput": 400.0, "inputs": 8}


def fix_speed(patch: pytest.MonkeyPatch) -> None:
    """Make `measure_facts` report FIXED_SPEED instead of timing the models."""
    patch.setattr(run_models, "model_speed", lambda model, inputs, batch, computed: dict(FIXED_SPEED))


@pytest.fixture(scope="module", autouse=True)
def fixed_speed():
    with pytest.MonkeyPatch.context() as patch:
        fix_speed(patch)
        yield


@pytest.fixture(scope="module")
def design():
    return Design(N)


@pytest.fixture(scope="module")
def study(tmp_path_factory, design):
    out = tmp_path_factory.mktemp("study") / "run"
    outcome = run_experiment(study_config(out), data=examples(N), models=design.models())
    return outcome


@pytest.fixture(scope="module")
def tables(study):
    return {t.name: t for t in paper_tables([read_study(study.run_dir)])}


def covers(row, column, true):
    return row[f"{column}_low"] <= true <= row[f"{column}_high"]


def test_every_unique_input_is_scored_once_per_model_and_the_teacher_attacked_once(study):
    db = sqlite3.connect(study.run_dir / "run.sqlite")
    unique = db.execute("SELECT COUNT(DISTINCT input_key) FROM variants WHERE status = 'ok'")
    unique = unique.fetchone()[0]
    for model in ACCURACY:
        scored = db.execute("SELECT COUNT(*) FROM outputs WHERE model = ?", (model,)).fetchone()
        assert scored[0] == unique, model
    victims = [v for (v,) in db.execute("SELECT DISTINCT victim FROM attack_results ORDER BY 1")]
    assert victims == sorted(ACCURACY)
    assert db.execute("SELECT COUNT(*) FROM followups WHERE name = 'mhm@teacher'").fetchone()[0] == 1
    pairs = [p for (p,) in db.execute("SELECT DISTINCT pair FROM rates ORDER BY 1")]
    assert pairs == [f"teacher/{s}" for s in sorted(METHODS)]
    for table in ("mcnemar", "verdicts", "set_level"):
        named = [s for (s,) in db.execute(f"SELECT DISTINCT student FROM {table} ORDER BY 1")]
        assert named == sorted(METHODS), table
    assert (study.run_dir / "tables" / "paper" / "headline.tex").is_file()
    assert (study.run_dir / "report-morph.html").is_file()
    assert 'id="comparison"' in (study.run_dir / "report.html").read_text()


def test_effectiveness_recovers_the_designed_accuracy(tables):
    rows = {r["model"]: r for r in tables["effectiveness"].rows}
    for model, accuracy in ACCURACY.items():
        assert rows[model]["accuracy"] == pytest.approx(accuracy)
        assert covers(rows[model], "accuracy", accuracy)
    assert rows["morph"]["method"] == "MORPH" and rows["morph"]["seed"] == 1
    for model in ACCURACY:  # the speed measure_facts stored reaches the table
        assert (rows[model]["latency_ms"], rows[model]["throughput"]) == (2.5, 400.0)


def test_robustness_recovers_the_designed_susceptibility(tables, design):
    rows = {r["model"]: r for r in tables["robustness"].rows}
    for model, designed in SUSCEPTIBILITY.items():
        s = design.susceptibility(model)
        assert s == pytest.approx(designed, abs=0.01)
        assert rows[model]["success_rate"] == pytest.approx(s), model
        assert covers(rows[model], "relative_drop", s)
    for student in METHODS:
        s, t = design.susceptibility(student), design.susceptibility("teacher")
        assert rows[student]["drop_increase"] == pytest.approx(100 * (s - t) / t)
        assert covers(rows[student], "drop_increase", 100 * (s - t) / t)


def test_transfer_both_ways_recovers_the_design(tables, design):
    for row in tables["transfer"].rows:
        true = design.transfer(row["source"], row["target"])
        assert row["rate"] == pytest.approx(true), (row["source"], row["target"])
        assert covers(row, "rate", true)
    directions = {(r["source"], r["target"]) for r in tables["transfer"].rows}
    assert directions == {("teacher", s) for s in METHODS} | {(s, "teacher") for s in METHODS}


def _changed(study, followups):
    db = sqlite3.connect(study.run_dir / "run.sqlite")
    marks = ",".join("?" * len(followups))
    return [int(e[1:]) for (e,) in db.execute(
        f"SELECT example_id FROM variants WHERE status = 'ok' AND followup IN ({marks})",
        followups,
    )]  # fmt: skip


def test_metamorphic_recovers_the_designed_disagreement(study, tables, design):
    rows = {(r["model"], r["set"]): r for r in tables["metamorphic"].rows}
    transforms = ["rename-locals", "insert-unused-variable"]
    for student in METHODS:
        pairs, violated, induced = design.disagreement(student, _changed(study, transforms))
        row = rows[(student, "transformations")]
        assert (row["pairs"], round(row["rate"] * pairs)) == (pairs, violated)
        held = sum(1 for i in _changed(study, transforms)
                   if design.answer("teacher", i, False) == design.answer(student, i, False))  # fmt: skip
        assert row["induced"] == pytest.approx(induced / held)
        assert covers(row, "induced", induced / held)


def test_the_headline_maxima_name_the_right_cells(study, tables, design):
    lines = {r["claim"]: r for r in tables["headline"].rows}
    assert lines["drop_increase"]["model"] == "morph"
    s, t = design.susceptibility("morph"), design.susceptibility("teacher")
    increase = f"{100 * (s - t) / t:+.1f}"
    assert lines["drop_increase"]["line"].startswith(f"MORPH student, given, mhm: {increase} %")
    transforms = ["rename-locals", "insert-unused-variable"]
    changed = _changed(study, transforms)

    def induced(student):
        held = [i for i in changed
                if design.answer("teacher", i, False) == design.answer(student, i, False)]  # fmt: skip
        return design.disagreement(student, changed)[2] / len(held)

    rows = [r for r in tables["metamorphic"].rows if r["set"] == "transformations"]
    top = max(rows, key=lambda r: r["induced"])
    assert top["model"] == max(METHODS, key=induced)
    assert lines["induced"]["value"] >= 100 * top["induced"] - 1e-9


def table_bytes(run_dir) -> dict[str, bytes]:
    """Every file of the run's tables (exports and paper tables: CSV, Parquet, LaTeX, Markdown)."""
    files = sorted(p for p in (run_dir / "tables").rglob("*") if p.is_file())
    assert {p.suffix for p in files} >= {".csv", ".parquet", ".tex", ".md"}
    return {str(p.relative_to(run_dir)): p.read_bytes() for p in files}


def test_an_interrupted_study_resumed_gives_the_same_tables(study, design, tmp_path, monkeypatch):
    from metacompress.pipeline import runner

    calls = []
    original = runner.evaluate_relations

    def failing(outputs, relations, student):
        calls.append(student)
        if len(calls) == 6:
            raise RuntimeError("interrupted")
        return original(outputs, relations, student)

    monkeypatch.setattr(runner, "evaluate_relations", failing)
    config = study_config(tmp_path / "resumed")
    with pytest.raises(RuntimeError, match="interrupted"):
        run_experiment(config, data=examples(N), models=design.models())
    monkeypatch.setattr(runner, "evaluate_relations", original)
    resumed = run_experiment(config, resume=True, data=examples(N), models=design.models())
    assert resumed.summary["resumed"]
    assert table_bytes(resumed.run_dir) == table_bytes(study.run_dir)


def test_a_second_study_with_the_teacher_is_served_by_the_shared_cache(design, tmp_path):
    shared = tmp_path / "shared"
    first = run_experiment(study_config(tmp_path / "one", cache=str(shared)), data=examples(N),
                           models=design.models())  # fmt: skip
    assert first.summary["cache"]["teacher"]["misses"] > 0
    again = run_experiment(study_config(tmp_path / "two", cache=str(shared)), data=examples(N),
                           models=design.models())  # fmt: skip
    for model in ACCURACY:
        counters = again.summary["cache"][model]
        assert counters["misses"] == 0 and counters["shared_hits"] > 0, model
    assert table_bytes(again.run_dir) == table_bytes(first.run_dir)
