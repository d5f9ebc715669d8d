"""Fixtures of the report tests: a hand-built ReportData with known numbers and hostile strings."""

from __future__ import annotations

import pytest

from metacompress.report.model import (
    AttackGap,
    AttackRow,
    Deviation,
    Gate,
    Interval,
    McNemarRow,
    ModelScores,
    RelationRate,
    ReliabilityBins,
    ReportData,
    Sweep,
    Violation,
)

HOSTILE = "</script><img src=x onerror=alert(1)>"


def relation_rows() -> tuple[RelationRate, ...]:
    """Baseline, pools and follow-up sets of three relations, one n/a row, one set-level."""
    return (
        RelationRate("prediction-agreement", "source", "source", "input", 64, 4, 64,
                     Interval(0.0625, 0.02, 0.15), "bootstrap"),
        RelationRate("prediction-agreement", "transformations", "pool", "input", 40, 9, 40,
                     Interval(0.225, 0.1, 0.35), "bootstrap", 0.05,
                     Interval(0.1842, 0.08, 0.3), 38, 7, Interval(0.175, 0.06, 0.29)),
        RelationRate("prediction-agreement", "attacks", "pool", "input", 20, 11, 20,
                     Interval(0.55, 0.3, 0.75), "clopper-pearson", 0.1,
                     Interval(0.5, 0.272, 0.728), 18, 9, Interval(0.45, 0.2, 0.7)),
        RelationRate("prediction-agreement", "all", "pool", "input", 60, 20, 60,
                     Interval(1 / 3, 0.2, 0.45), "bootstrap", 0.0667,
                     Interval(0.2857, 0.17, 0.4), 56, 16, Interval(0.2667, 0.15, 0.38)),
        RelationRate("prediction-agreement", "rename-locals", "transform", "input", 40, 9, 40,
                     Interval(0.225, 0.1, 0.35), "bootstrap", 0.05,
                     Interval(0.1842, 0.08, 0.3), 38, 7, Interval(0.175, 0.06, 0.29)),
        RelationRate("prediction-agreement", "attack:mhm@student", "attack", "input", 20, 11, 20,
                     Interval(0.55, 0.3, 0.75), "clopper-pearson", 0.1,
                     Interval(0.5, 0.272, 0.728), 18, 9, Interval(0.45, 0.2, 0.7)),
        RelationRate("confidence-preservation", "source", "source", "input", 0, 0, 0, None,
                     reason="teacher confidence below 0.9 (64 of 64 pairs)"),
        RelationRate("label-invariance-teacher", "all", "pool", "input", 60, 6, 60,
                     Interval(0.1, 0.05, 0.2), "bootstrap", 0.0, Interval(0.1, 0.05, 0.2),
                     60, 6, Interval(0.1, 0.05, 0.2)),
        RelationRate("label-invariance-student", "all", "pool", "input", 60, 27, 60,
                     Interval(0.45, 0.3, 0.6), "bootstrap", 0.0, Interval(0.45, 0.3, 0.6),
                     60, 27, Interval(0.45, 0.3, 0.6)),
        RelationRate("ece-gap", "all", "pool", "set", 1, 1, 60, None,
                     value=Interval(0.0712, 0.031, 0.118), holds=False),
    )  # fmt: skip


def build_sample(passed: bool = True) -> ReportData:
    violations = tuple(
        Violation(
            example_id=f"ex-{i}" if i else f"ex-{HOSTILE}",
            variant_id=f"ex-{i}/rename-locals",
            origin="rename-locals" if i % 2 == 0 else "attack:mhm@student",
            relations=("prediction-agreement",)
            if i % 2 == 0
            else ("prediction-agreement", "confidence-preservation"),
            source=(f"int f{i}(int a) {{\n  int b = a;\n  return b;\n}}",),
            followup=(
                f"int f{i}(int a) {{\n  int {('q' if i else HOSTILE)} = a;\n  return q;\n}}",
            ),
            teacher_source=(0.2, 0.8),
            teacher_followup=(0.25, 0.75),
            student_source=(0.3, 0.7),
            student_followup=(0.6, 0.4),
            label=1,
            truncated={"teacher": False, "student": i == 1},
            attack_status="failed" if i == 3 else None,
        )
        for i in range(4)
    )
    return ReportData(
        title="MetaCompress: tiny-teacher vs tiny-student",
        task="vulnerability",
        meta={"seed": 7, "versions": {"metacompress": "0.1.0"}, "note": HOSTILE},
        teacher=ModelScores("tiny-teacher", 0.8125, 0.8, 0.05, 64),
        student=ModelScores("tiny-student", 0.796875, 0.78, 0.09, 64),
        accuracy_gap=0.015625,
        mcnemar=(
            McNemarRow("source", "exact", 64, 64, 3, 2, 1.0),
            McNemarRow("all", "obuchowski", 180, 64, 9, 1, 0.0215),
        ),
        relations=relation_rows(),
        gates=(
            Gate(
                "prediction-agreement<=0.6" if passed else "prediction-agreement<=0.1",
                0.3833,
                0.6 if passed else 0.1,
                passed,
                relation="prediction-agreement",
            ),
        ),
        counts={"examples": 64, "variants": 180, "skipped": 2, "violations_total": 20},
        confidence_pairs=((0.8, 0.7), (0.75, 0.4), (0.1, 0.2)),
        reliability=(
            ReliabilityBins("teacher", (0.55, 0.75, 0.95), (0.5, 0.8, 0.9), (3, 5, 8)),
            ReliabilityBins("student", (0.55, 0.75, 0.95), (0.4, 0.7, 0.95), (4, 4, 8)),
            ReliabilityBins("teacher", (0.55, 0.75), (0.5, 0.7), (5, 9), "all", 0.08),
            ReliabilityBins("student", (0.55, 0.75), (0.4, 0.6), (6, 8), "rename-locals", 0.12),
        ),
        sweeps=(
            Sweep("probability-similarity", (0.0, 0.05, 0.1, 0.2), (0.9, 0.4, 0.2, 0.05), 0.1),
        ),
        attacks=(
            AttackRow(
                "mhm@teacher",
                "mhm",
                "teacher",
                "accuracy",
                64,
                52,
                30,
                6,
                24,
                20,
                2,
                0,
                Interval(0.115, 0.04, 0.2),
                Interval(0.8125, 0.72, 0.9),
                Interval(0.719, 0.61, 0.82),
                Interval(0.115, 0.05, 0.19),
                88.0,
            ),
            AttackRow(
                "mhm@student",
                "mhm",
                "student",
                "accuracy",
                64,
                51,
                30,
                15,
                15,
                19,
                2,
                0,
                Interval(0.294, 0.18, 0.41),
                Interval(0.797, 0.7, 0.89),
                Interval(0.563, 0.44, 0.67),
                Interval(0.294, 0.2, 0.4),
                61.5,
            ),
        ),  # fmt: skip
        attack_gaps=(AttackGap("mhm", Interval(155.7, 40.0, 420.0), Interval(2.557, 1.4, 5.2)),),
        violations=violations,
    )


def deviation_rows() -> tuple[Deviation, ...]:
    """A deviation on one function (hostile id and variant) and one on a clone pair."""
    return (
        Deviation(
            example_id=f"dev-{HOSTILE}",
            origin="deviation",
            queries=37,
            source=("int f(int a) {\n  return a;\n}",),
            followup=(f"int f(int a) {{\n  if (0) {{ {HOSTILE} }}\n  return a;\n}}",),
            teacher_source=(0.1, 0.9),
            teacher_followup=(0.15, 0.85),
            student_source=(0.3, 0.7),
            student_followup=(0.62, 0.38),
            label=1,
        ),
        Deviation(
            example_id="pair-7",
            origin="deviation",
            queries=4,
            source=("int a() { return 1; }", "int b() { return 1; }"),
            followup=("int a() { int x = 1; return x; }", "int b() { return 1; }"),
            teacher_source=(0.8, 0.2),
            teacher_followup=(0.7, 0.3),
            student_source=(0.9, 0.1),
            student_followup=(0.45, 0.55),
            label=None,
        ),
    )


@pytest.fixture
def sample_report():
    """A factory: sample_report(passed=...) -> ReportData."""
    return build_sample


@pytest.fixture
def sample_deviations() -> tuple[Deviation, ...]:
    return deviation_rows()


@pytest.fixture
def hostile() -> str:
    return HOSTILE
