"""Summaries, teacher-vs-student comparison, transfer and follow-up variants."""

from __future__ import annotations

import pytest
from attack_doubles import BUF_CODE, PLAIN_CODE, CountingVictim, name_detector

from metacompress.attacks import (
    ATTACKS,
    AttackResult,
    Comparison,
    drop_increase,
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
