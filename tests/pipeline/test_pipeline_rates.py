"""A full run on planted teacher/student pairs: the rates table recovers the design.

Forty functions f0..f39 (`pipeline_doubles.example_code`), label i % 2. The teacher gives the
right label with probability 0.8 on every input. The student equals it except:

- BASELINE (f0..f7): the classes swapped on every input, the clean source included;
- RENAMED (f8..f15): swapped on inputs whose locals were renamed (rename-locals);
- LOOPED (f16..f19): swapped on inputs whose `for` became a `while` (for-to-while);
- CALIBRATED (f20..f27): the teacher's label, but at 0.6 instead of 0.8, on inputs with an
  inserted unused variable (insert-unused-variable): same label, other belief.

The source pairs of f8..f39 hold (32 examples), so the designed induced rates are exact
fractions of 32, and every relation's baseline is known.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from pipeline_doubles import config_dict, example_code

from metacompress.data.types import Example
from metacompress.models import CallableClassifier
from metacompress.stats.calibration import expected_calibration_error

N = 40
BASELINE, RENAMED, LOOPED, CALIBRATED = range(0, 8), range(8, 16), range(16, 20), range(20, 28)
FOLLOWUPS = ["rename-locals", "for-to-while", "insert-unused-variable"]
HOLDING = N - len(BASELINE)
#: Designed induced rates of prediction-agreement and calibration-alignment per set.
AGREEMENT = {"rename-locals": 8 / 32, "for-to-while": 4 / 32, "insert-unused-variable": 0.0,
             "transformations": 12 / 96}  # fmt: skip
CALIBRATION = {"rename-locals": 8 / 32, "for-to-while": 4 / 32,
               "insert-unused-variable": 8 / 32, "transformations": 20 / 96}  # fmt: skip
_INDEX = re.compile(r"\bf(\d+)\s*\(")


def _index(code: str) -> int:
    return int(_INDEX.search(code).group(1))


def _p_teacher_label(code: str) -> float:
    """The student's probability of the teacher's label on `code`."""
    i = _index(code)
    renamed = "int x =" not in code
    looped = "while (" in code
    unused = not renamed and not looped and code != example_code(i)  # the third transformation
    if i in BASELINE or (i in RENAMED and renamed) or (i in LOOPED and looped):
        return 0.2
    return 0.6 if i in CALIBRATED and unused else 0.8


def _probs(batch, on_label) -> np.ndarray:
    rows = []
    for (code,) in batch:
        p = on_label(code)
        label = _index(code) % 2
        rows.append([p, 1 - p] if label == 0 else [1 - p, p])
    return np.array(rows)


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    from metacompress.pipeline.config import parse_config
    from metacompress.pipeline.runner import run_experiment

    out = tmp_path_factory.mktemp("planted")
    gates = [
        {"relation": "ece-gap", "followup": "source", "max_violation": 0.1},
        {
            "relation": "prediction-agreement",
            "followup": "rename-locals",
            "measure": "induced",
            "max_violation": 0.3,
        },
        {
            "relation": "any-paper-relation",
            "followup": "transformations",
            "measure": "induced",
            "fail_under": 0.9,
        },
    ]
    config = parse_config(config_dict(out / "run", followups=FOLLOWUPS, gates=gates, statistics={
        "bootstrap": 400}), base_dir=out)  # fmt: skip
    teacher = CallableClassifier(lambda b: _probs(b, lambda _: 0.8), "t", fingerprint="pt")
    student = CallableClassifier(lambda b: _probs(b, _p_teacher_label), "s", fingerprint="ps")
    data = [Example(f"e{i:02d}", (example_code(i),), i % 2) for i in range(N)]
    outcome = run_experiment(config, data=data, models={"teacher": teacher, "student": student})
    rates = {(r["relation"], r["followup"]): r for r in outcome.summary["results"]["rates"]}
    tests = {t["followup"]: t for t in outcome.summary["results"]["mcnemar"]}
    return rates | {"gates": outcome.gates, "run_dir": outcome.run_dir, "mcnemar": tests}


def test_the_baseline_row_counts_the_clean_disagreement(planted):
    source = planted[("prediction-agreement", "source")]
    assert (source["violations"], source["applicable"]) == (len(BASELINE), N)
    assert source["low"] < source["rate"] == 0.2 < source["high"]
    assert source["induced"] is None and source["difference"] is None


@pytest.mark.parametrize("relation, design", [("prediction-agreement", AGREEMENT),
                                              ("calibration-alignment", CALIBRATION)])  # fmt: skip
def test_the_induced_rates_recover_the_design_and_their_intervals_cover_it(
    planted, relation, design
):
    for followup, rate in design.items():
        row = planted[(relation, followup)]
        per_set = 1 if followup != "transformations" else len(FOLLOWUPS)
        assert row["induced_applicable"] == HOLDING * per_set, followup
        assert row["induced"] == pytest.approx(rate), followup
        assert row["induced_low"] <= rate <= row["induced_high"], followup
        assert row["source_rate"] == pytest.approx(len(BASELINE) / N)
        assert row["difference"] == pytest.approx(row["rate"] - row["source_rate"])
        assert row["difference_low"] <= row["difference"] <= row["difference_high"]
    zero = planted[(relation, "insert-unused-variable")] if relation != "calibration-alignment" \
        else None  # fmt: skip
    if zero is not None:  # an induced rate of 0 gets an exact interval, not [0, 0]
        assert zero["induced_method"] == "clopper-pearson" and zero["induced_high"] > 0.05


def test_the_union_of_the_four_relations_counts_each_pair_once(planted):
    union = planted[("any-paper-relation", "insert-unused-variable")]
    assert union["induced"] == pytest.approx(8 / 32)  # the calibration departures
    loop = planted[("any-paper-relation", "for-to-while")]
    assert loop["induced"] == pytest.approx(4 / 32)


def test_a_relation_that_applies_nowhere_is_na_with_its_reason(planted):
    row = planted[("high-confidence", "rename-locals")]  # the teacher is never 0.9 sure
    assert row["applicable"] == 0 and row["rate"] is None and row["induced"] is None
    assert row["reason"] == f"teacher confidence below 0.9 ({N} of {N} pairs)"


def test_the_ece_gap_is_a_value_with_a_bootstrap_interval(planted):
    row = planted[("ece-gap", "source")]
    # clean inputs: the teacher is right everywhere at 0.8 (ECE 0.2); the student is right on
    # 32 of 40 at 0.8 (ECE 0)
    labels = np.arange(N) % 2
    teacher = _probs([(example_code(i),) for i in range(N)], lambda _: 0.8)
    student = _probs([(example_code(i),) for i in range(N)], _p_teacher_label)
    gap = abs(
        expected_calibration_error(teacher, labels) - expected_calibration_error(student, labels)
    )
    assert row["level"] == "set" and row["value"] == pytest.approx(gap) == pytest.approx(0.2)
    assert row["value_low"] < row["value"] < row["value_high"] and row["holds"] == 0
    assert row["rate"] is None


def test_gates_read_the_value_of_a_set_measure_and_the_induced_rate(planted):
    ece, induced, union = planted["gates"]
    assert ece.measure == "value" and ece.value == pytest.approx(0.2) and not ece.passed
    assert induced.measure == "induced" and induced.value == pytest.approx(0.25) and induced.passed
    # 20 of 96 transformation pairs lose a relation that held: 79 % hold, under 90 %
    assert union.value == pytest.approx(20 / 96) and not union.passed


def test_the_exported_rates_table_puts_each_baseline_first(planted):
    import csv

    with open(planted["run_dir"] / "tables" / "rates.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    firsts = {}
    for row in rows:
        firsts.setdefault(row["relation"], row["followup"])
    assert set(firsts.values()) == {"source"} and "any-paper-relation" in firsts


def test_pools_get_the_clustered_test_and_single_sets_the_exact_one(planted):
    tests = planted["mcnemar"]
    assert tests["source"]["test"] == "exact" and tests["rename-locals"]["test"] == "exact"
    pooled = tests["transformations"]
    assert pooled["test"] == "obuchowski" and pooled["clusters"] == N
    assert pooled["n"] == N * len(FOLLOWUPS)
