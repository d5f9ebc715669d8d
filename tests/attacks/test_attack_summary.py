"""Summaries, teacher-vs-student comparison, transfer and follow-up variants."""

from __future__ import annotations

import numpy as np
import pytest
from attack_doubles import BUF_CODE, PLAIN_CODE, CountingVictim, name_detector

from metacompress.attacks import (
    ATTACKS,
    AttackResult,
    Comparison,
    comparison_intervals,
    drop_increase,
    robustness_intervals,
    summarize,
    to_variants,
    transfer,
    transfer_rate,
)
from metacompress.attacks.summary import f1_positive
from metacompress.code.edits import Edit, apply_edits
from metacompress.data.types import Example
from metacompress.errors import ConfigError


def result(example_id, status, label, before, after, queries=5, changed=0, reason=""):
    return AttackResult(
        example_id=example_id,
        status=status,
        reason=reason,
        queries=queries,
        identifiers_changed=changed,
        original_probs=(1 - before, before),
        final_probs=(1 - after, after),
        label=label,
        attack="mhm",
    )


RESULTS = [
    result("a", "success", 1, 0.9, 0.2, queries=10, changed=2),
    result("b", "failed", 1, 0.8, 0.6, queries=30, reason="query budget exhausted"),
    result("c", "success", 0, 0.1, 0.7, queries=4, changed=1),
    result("d", "skipped", 0, 0.9, 0.9, queries=1, reason="misclassified: victim predicts 1"),
    AttackResult("e", "skipped", "unlabelled", attack="mhm"),
]


def test_vulnerability_summary_by_hand():
    s = summarize(RESULTS, "vulnerability")
    assert (s.examples, s.labelled, s.attacked, s.succeeded, s.failed, s.skipped) == (
        5, 4, 3, 2, 1, 2,
    )  # fmt: skip
    assert s.attack_success_rate == pytest.approx(2 / 3)
    assert s.clean == pytest.approx(3 / 4)  # a, b, c right; d wrong
    assert s.adversarial == pytest.approx(1 / 4)  # only b stays right
    assert s.relative_drop == pytest.approx((0.75 - 0.25) / 0.75)
    assert s.mean_queries == pytest.approx((10 + 30 + 4) / 3)
    assert s.mean_queries_success == pytest.approx(7)
    assert s.mean_identifiers_changed == pytest.approx(1.5)
    assert s.skip_reasons == {"misclassified": 1, "unlabelled": 1}
    assert s.failure_reasons == {"query budget exhausted": 1}


def test_success_rate_is_over_every_correct_example_with_unattacked_ones_in_their_columns():
    results = [
        result("a", "success", 1, 0.9, 0.2),
        result("b", "failed", 1, 0.8, 0.6, reason="query budget exhausted"),
        result("c", "skipped", 0, 0.1, 0.1, reason="no renamable identifiers"),
        result("d", "skipped", 1, 0.7, 0.7, reason="no renamable identifiers"),
        result("e", "skipped", 0, 0.2, 0.2, reason="error: ValueError: bad parse"),
        result("f", "skipped", 0, 0.9, 0.9, reason="misclassified: victim predicts 1"),
    ]
    s = summarize(results, "vulnerability")
    assert (s.correct, s.attacked, s.no_identifier, s.errors, s.not_attacked_other) == (
        5,
        2,
        2,
        1,
        0,
    )
    assert s.attack_success_rate == pytest.approx(1 / 5)  # ALERT: over the 5 correct
    assert s.clean == pytest.approx(5 / 6)  # the unattacked correct ones stay correct
    assert s.adversarial == pytest.approx(4 / 6)
    assert s.relative_drop == pytest.approx((5 / 6 - 4 / 6) / (5 / 6))
    assert s.skip_reasons == {"error": 1, "misclassified": 1, "no renamable identifiers": 2}


def test_robustness_intervals_resample_examples():
    rng = np.random.default_rng(0)
    results = [
        result(f"x{i}", "success" if rng.random() < 0.4 else "failed", 1, 0.8, 0.3)
        for i in range(40)
    ]
    results = [
        r if r.status == "success" else result(r.example_id, "failed", 1, 0.8, 0.7) for r in results
    ]
    summary = summarize(results, "vulnerability")
    intervals = robustness_intervals(results, "vulnerability", n_boot=300, seed=1)
    assert set(intervals) == {"clean", "adversarial", "attack_success_rate", "relative_drop"}
    asr = intervals["attack_success_rate"]
    assert asr.estimate == pytest.approx(summary.attack_success_rate)
    assert asr.low < asr.estimate < asr.high
    assert intervals["clean"].estimate == intervals["clean"].low == 1.0  # every one correct
    adversarial = intervals["adversarial"]
    assert adversarial.estimate == pytest.approx(summary.adversarial)
    assert intervals["relative_drop"].estimate == pytest.approx(summary.relative_drop)


def test_comparison_intervals_are_paired_and_ratio_is_student_over_teacher():
    teacher = [result(f"x{i}", "success" if i % 4 == 0 else "failed", 1, 0.8, 0.3 if i % 4 == 0 else 0.7)
               for i in range(40)]  # fmt: skip
    student = [result(f"x{i}", "success" if i % 2 == 0 else "failed", 1, 0.8, 0.3 if i % 2 == 0 else 0.7)
               for i in range(40)][::-1]  # fmt: skip
    t, s = summarize(teacher, "vulnerability"), summarize(student, "vulnerability")
    comparison = Comparison(t, s)
    assert comparison.drop_ratio == pytest.approx(2.0)
    assert comparison.drop_increase_percent == pytest.approx(100.0)
    intervals = comparison_intervals(teacher, student, "vulnerability", n_boot=300, seed=2)
    ratio = intervals["drop_ratio"]
    assert ratio.estimate == pytest.approx(2.0) and ratio.low < 2.0 < ratio.high
    assert intervals["drop_increase_percent"].estimate == pytest.approx(100.0)
    with pytest.raises(ValueError, match="same examples"):
        comparison_intervals(teacher, student[1:], "vulnerability")


def test_clone_summary_uses_f1():
    s = summarize(RESULTS, "clone")
    assert s.metric == "f1"
    # clean: predictions a1 b1 c0 d1 vs labels 1 1 0 0 -> tp 2, fp 1, fn 0
    assert s.clean == pytest.approx(4 / 5)
    # adversarial: a0 b1 c1 d1 -> tp 1, fp 2, fn 1
    assert s.adversarial == pytest.approx(2 / 5)
    with pytest.raises(ConfigError):
        summarize(RESULTS, "translation")


def test_f1_against_scikit_learn():
    import numpy as np
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(0)
    for _ in range(20):
        labels, predictions = rng.integers(0, 2, 30), rng.integers(0, 2, 30)
        assert f1_positive(labels, predictions) == pytest.approx(
            f1_score(labels, predictions, zero_division=0)
        )


def test_drop_increase_is_relative_to_the_teacher():
    teacher = summarize(RESULTS, "vulnerability")
    student_results = [
        result("a", "success", 1, 0.9, 0.2),
        result("b", "success", 1, 0.8, 0.1),
        result("c", "success", 0, 0.1, 0.7),
        result("d", "success", 0, 0.2, 0.6),
    ]
    student = summarize(student_results, "vulnerability")
    assert student.relative_drop == pytest.approx(1.0)
    expected = 100 * (1.0 - teacher.relative_drop) / teacher.relative_drop
    assert drop_increase(teacher, student) == pytest.approx(expected)
    comparison = Comparison(teacher, student).to_dict()
    assert comparison["drop_increase_percent"] == pytest.approx(expected)
    unbroken = summarize([result("a", "failed", 1, 0.9, 0.8)], "vulnerability")
    assert drop_increase(unbroken, student) is None


def test_results_round_trip_through_dicts():
    full = AttackResult(
        "x", "success", "", 3, 1, ("int y;",), ((Edit(4, 5, "y"),),), (0.2, 0.8), (0.9, 0.1),
        1, "mhm", ("rename",), ((0, "x", "y"),),
    )  # fmt: skip
    for item in [full, *RESULTS]:
        assert AttackResult.from_dict(item.to_dict()) == item
    with pytest.raises(ConfigError):
        AttackResult("x", "maybe")


def test_transfer_and_variants():
    examples = [Example("buf", (BUF_CODE,), 1), Example("plain", (PLAIN_CODE,), 0)]
    teacher = CountingVictim(name_detector("buf"))
    student = CountingVictim(name_detector("total"))
    results = ATTACKS.create("mhm").run(examples, teacher, "c", seed=0)
    assert results[0].status == "success"
    moved = transfer(results, examples, student)
    assert [t.example_id for t in moved] == [r.example_id for r in results if r.status == "success"]
    first = moved[0]
    assert first.applicable  # the student says 1 for BUF_CODE (it has `total`)
    renamed_total = any(old == "total" for _, old, _ in results[0].renamings)
    assert first.transferred == renamed_total
    assert transfer_rate(moved) == pytest.approx(
        sum(t.transferred for t in moved) / sum(t.applicable for t in moved)
    )
    variants = to_variants(results, "teacher", seed=0)
    assert variants[0].origin == "attack:mhm@teacher"
    assert variants[0].id == "buf/attack:mhm@teacher"
    assert apply_edits(BUF_CODE, variants[0].edits[0]) == variants[0].inputs[0]
    with pytest.raises(ConfigError, match="not given"):
        transfer(results, examples[1:], student)
    assert transfer_rate([]) is None


def test_transfer_flags_need_a_correct_clean_prediction_and_a_known_one():
    from metacompress.attacks.transfers import transfer_flags

    applicable, moved = transfer_flags(
        np.array([1, 1, 0, 0, -1]), np.array([1, 1, 1, 0, 1]), np.array([0, 1, 0, -1, 0])
    )
    assert applicable.tolist() == [True, True, False, False, False]
    assert moved.tolist() == [True, False, False, False, False]
