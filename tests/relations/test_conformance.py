"""Every registered relation passes `metacompress.testing.check_relation` (the scikit-learn
way), one check at a time; and what is particular to the project's own relations."""

from __future__ import annotations

import numpy as np
import pytest

from metacompress.relations.base import RELATIONS
from metacompress.testing.relations import RELATION_CHECKS, random_pair

NAMES = RELATIONS.names()


def test_registry_holds_the_issue_relations():
    assert set(NAMES) == {
        "prediction-agreement",
        "flip-agreement",
        "distribution-similarity",
        "high-confidence",
        "calibration-alignment",
        "ece-gap",
        "label-invariance-teacher",
        "label-invariance-student",
        "representation-drift",
    }


@pytest.mark.parametrize("check", RELATION_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("name", NAMES)
def test_relation_conformance(name, check):
    check(RELATIONS.get(name))


def test_an_identical_student_gets_the_teachers_label_invariance_verdicts():
    pair = random_pair(seed=11, n=40, identical=True)
    student = RELATIONS.create("label-invariance-student").check(pair)
    teacher = RELATIONS.create("label-invariance-teacher").check(pair)
    np.testing.assert_array_equal(student.holds, teacher.holds)
    np.testing.assert_array_equal(student.score, teacher.score)
