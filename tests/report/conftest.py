"""Fixtures of the report tests: a hand-built ReportData with known numbers and hostile strings."""

from __future__ import annotations

import pytest

from metacompress.report.model import (
    AttackRow,
    Gate,
    Interval,
    ModelScores,
    RelationRate,
    ReliabilityBins,
    ReportData,
    Sweep,
    Violation,
)

HOSTILE = "</script><img src=x onerror=alert(1)>"


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
        mcnemar={
            "source": {"b": 3, "c": 2, "p_value": 1.0},
            "follow-up": {"b": 9, "c": 1, "p_value": 0.0215},
        },
        relations=(
            RelationRate(
                "prediction-agreement", "rename-locals", 40, 9, Interval(0.225, 0.1, 0.35)
            ),
            RelationRate(
                "prediction-agreement", "attack:mhm@student", 20, 11, Interval(0.55, 0.3, 0.75)
            ),
            RelationRate(
                "confidence-preservation", "rename-locals", 10, 0, Interval(0.0, 0.0, 0.0)
            ),
            RelationRate("prediction-agreement", "all", 60, 20, Interval(1 / 3, 0.2, 0.45)),
            RelationRate("label-invariance-teacher", "all", 60, 6, Interval(0.1, 0.05, 0.2)),
            RelationRate("label-invariance-student", "all", 60, 27, Interval(0.45, 0.3, 0.6)),
        ),
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
        ),
        sweeps=(
            Sweep("probability-similarity", (0.0, 0.05, 0.1, 0.2), (0.9, 0.4, 0.2, 0.05), 0.1),
        ),
        attacks=(
            AttackRow("mhm", "teacher", 30, 0.2, 0.81, 0.65, 0.197, 88.0),
            AttackRow("mhm", "student", 30, 0.5, 0.80, 0.40, 0.5, 61.5),
        ),
        attack_gap={"mhm": 153.8},
        violations=violations,
    )


@pytest.fixture
def sample_report():
    """A factory: sample_report(passed=...) -> ReportData."""
    return build_sample


@pytest.fixture
def hostile() -> str:
    return HOSTILE
