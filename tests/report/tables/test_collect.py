"""A run directory read back as a study: every record agrees with the run's own tables."""

import pytest

from metacompress.report.tables import paper_tables
from metacompress.report.tables.collect import dataset_name, family, read_study
from metacompress.rundir.study_reader import StudyReader, model_label

from .runs import make_run


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("collect") / "run"
    return make_run(out, relations=["prediction-agreement", "high-confidence", "ece-gap"])


def test_a_run_of_one_pair_reads_as_a_study_of_one_student(run_dir):
    study = read_study(run_dir)
    assert study.task == "vulnerability" and study.dataset == "given"
    assert [(m.name, m.method) for m in study.models] == [("teacher", "t"), ("student", "s")]
    assert study.seed == 3 and study.n_boot == 20
    with StudyReader(run_dir) as run:
        for model in study.models:
            stored = run.predictions("source", model.name)
            assert {e: p for e, p in zip(study.example_ids, model.predicted, strict=True)} == stored
        assert {a.victim for a in study.attacks} == {"teacher", "student"}
        for record in study.attacks:
            rows = run.attack_results(f"mhm@{record.victim}")
            assert [r.status for r in record.results] == [row[1] for row in rows]
    kinds = {f.name: (f.kind, f.family) for f in study.followups}
    assert kinds["rename-locals"] == ("transform", "rename")
    assert kinds["mhm@student"] == ("attack", "mhm")
    pairs = {(p.relation, p.followup) for p in study.pairs}
    assert ("prediction-agreement", "rename-locals") in pairs
    assert all(p.student == "student" for p in study.pairs)


def test_flags_agree_with_the_stored_verdicts(run_dir):
    study = read_study(run_dir)
    with StudyReader(run_dir) as run:
        rows = run.verdict_flags("prediction-agreement")
    for pair in study.pairs:
        if pair.relation != "prediction-agreement":
            continue
        stored = {e: (a, h) for s, f, e, a, h in rows if f == pair.followup}
        for eid, applicable, violated in zip(pair.example_ids, pair.applicable, pair.violated,
                                             strict=True):  # fmt: skip
            a, h = stored[eid]
            assert (applicable, violated) == (bool(a), bool(a) and not h)


def test_the_tables_of_a_run_are_made_and_the_identity_names_the_data(run_dir):
    tables = {t.name: t for t in paper_tables([read_study(run_dir)])}
    assert len(tables["effectiveness"].rows) == 2
    assert {r["model"] for r in tables["robustness"].rows} == {"teacher", "student"}
    with StudyReader(run_dir) as run:
        identity = run.identity()
    assert identity["examples"] == 16 and len(identity["data"]) == 64
    assert [r[0] for r in identity["relations"]] == [
        "prediction-agreement", "high-confidence", "ece-gap"
    ]  # fmt: skip
    metamorphic = tables["metamorphic"].rows
    ece = [r for r in metamorphic if r["relation"] == "ece-gap"]
    assert ece and all(r["rate"] is None and r["value"] is not None for r in ece)


def test_dataset_names_and_families():
    assert dataset_name({"format": "devign", "path": "/x/test.jsonl"}) == "Devign"
    assert dataset_name({"format": "jsonl", "path": "/x/mine.jsonl.xz"}) == "mine"
    assert family("transform", {"transform": "compose"}) == "combined"
    assert family("transform", {"transform": "for-to-while"}) == "loops"
    assert family("attack", {"attack": "alert"}) == "alert"
    assert model_label("/models/students/morph", "student") == "morph"
    assert model_label({"format": "callable", "name": "mine"}, "student") == "mine"
    assert model_label("students/avatar.yaml", "student") == "avatar"
