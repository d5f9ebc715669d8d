"""Every paper table recovers the planted design within its intervals, and the headline
maxima name the right cells."""

import pytest

from metacompress.report.tables import paper_tables

from .planted import (
    ACCURACY,
    INDUCED,
    SIZE_MB,
    SOURCE_RATE,
    SUSCEPTIBILITY,
    TRANSFER_FROM,
    TRANSFER_TO,
    planted_study,
)


@pytest.fixture(scope="module")
def tables():
    return {t.name: t for t in paper_tables([planted_study()])}


def covers(row, column, true):
    return row[f"{column}_low"] <= true <= row[f"{column}_high"]


def test_effectiveness_recovers_accuracy_and_sizes(tables):
    rows = {r["model"]: r for r in tables["effectiveness"].rows}
    assert list(rows) == list(ACCURACY)
    for model, accuracy in ACCURACY.items():
        assert covers(rows[model], "accuracy", accuracy), model
        assert rows[model]["accuracy"] == pytest.approx(accuracy, abs=1e-9)
        assert rows[model]["compression"] == pytest.approx(SIZE_MB["teacher"] / SIZE_MB[model])
    assert rows["teacher"]["mcnemar_p"] is None
    assert rows["morph"]["mcnemar_p"] < 0.001  # 0.70 against 0.90 on 600 examples
    assert rows["morph"]["mcnemar_b"] > rows["morph"]["mcnemar_c"]


def test_robustness_recovers_susceptibility_and_drop_increase(tables):
    rows = {r["model"]: r for r in tables["robustness"].rows}
    for model, s in SUSCEPTIBILITY.items():
        assert covers(rows[model], "success_rate", s), model
        assert rows[model]["success_rate"] == pytest.approx(s, abs=0.005)
        assert covers(rows[model], "relative_drop", s), model
        assert covers(rows[model], "clean", ACCURACY[model]), model
    for model in INDUCED:
        true = 100 * (SUSCEPTIBILITY[model] - SUSCEPTIBILITY["teacher"]) / SUSCEPTIBILITY["teacher"]
        assert covers(rows[model], "drop_increase", true), model
        assert covers(rows[model], "drop_ratio", SUSCEPTIBILITY[model] / SUSCEPTIBILITY["teacher"])
    assert rows["teacher"]["drop_increase"] is None


def test_metamorphic_recovers_source_and_induced_rates(tables):
    rows = tables["metamorphic"].rows
    for student, induced in INDUCED.items():
        mine = {r["set"]: r for r in rows if r["model"] == student}
        assert set(mine) == {"transformations", "attacks", "rename", "conditionals", "mhm"}
        assert mine["transformations"]["pairs"] == 2 * 600
        assert mine["attacks"]["pairs"] == 2 * 600  # against the teacher and this student
        for row in mine.values():
            assert covers(row, "induced", induced), (student, row["set"])
            assert row["induced"] == pytest.approx(induced, abs=0.005)
            assert covers(row, "source_rate", SOURCE_RATE), (student, row["set"])
        true_rate = SOURCE_RATE * 0.8 + (1 - SOURCE_RATE) * induced
        assert covers(mine["transformations"], "rate", true_rate)
        assert covers(mine["transformations"], "difference", true_rate - SOURCE_RATE)


def test_transfer_recovers_both_directions(tables):
    rows = tables["transfer"].rows
    to_student = {r["target"]: r for r in rows if r["direction"] == "teacher->student"}
    to_teacher = {r["source"]: r for r in rows if r["direction"] == "student->teacher"}
    assert set(to_student) == set(to_teacher) == set(INDUCED)
    for student, rate in TRANSFER_TO.items():
        assert covers(to_student[student], "rate", rate), student
        assert covers(to_teacher[student], "rate", TRANSFER_FROM), student
        assert to_student[student]["model"] == to_teacher[student]["model"] == student


def test_headline_maxima_name_the_right_cells(tables):
    lines = {r["claim"]: r for r in tables["headline"].rows}
    assert lines["drop_increase"]["model"] == "morph"
    assert lines["drop_increase"]["line"].startswith("MORPH student, Devign, mhm: +")
    assert lines["induced"]["model"] == "morph"
    assert "prediction-agreement on" in lines["induced"]["where"]
    assert lines["transfer"]["model"] == "morph"
    assert lines["transfer"]["where"] == "mhm, teacher -> morph"
    top = max(r["drop_increase"] for r in tables["robustness"].rows if r["drop_increase"])
    assert lines["drop_increase"]["value"] == top


def test_tables_are_the_same_for_the_same_study():
    first = paper_tables([planted_study(n=200, n_boot=50)])
    again = paper_tables([planted_study(n=200, n_boot=50)])
    assert [t.rows for t in first] == [t.rows for t in again]
