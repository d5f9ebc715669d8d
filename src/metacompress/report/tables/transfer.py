"""Table 4, transfer: do adversarial inputs found against one model fool the other?

For each attack: the teacher's successful adversarial inputs scored on every student, and each
student's on the teacher. With the rule of `attacks.transfers.transfer_flags`, an adversarial
example is applicable when the target classifies its clean input correctly and transferred when
the target also misclassifies the adversarial input; transfer rate = transferred / applicable
with the interval of `stats.proportions.rate_interval` (one example per row).
"""

from __future__ import annotations

import numpy as np

from metacompress.attacks.base import SUCCESS
from metacompress.attacks.transfers import transfer_flags
from metacompress.report.tables.common import (
    MODEL_COLUMNS,
    STUDY_COLUMNS,
    cell_seed,
    interval_cells,
    model_cells,
    study_cells,
)
from metacompress.report.tables.study import TEACHER, AttackRecord, StudyResults
from metacompress.report.tables.table import Column, Table
from metacompress.stats.proportions import rate_interval

NAME = "transfer"
TO_STUDENT, TO_TEACHER = "teacher->student", "student->teacher"
COLUMNS = (
    *STUDY_COLUMNS,
    Column("attack", "Attack"),
    Column("direction", "Direction"),
    Column("source", "Found on"),
    Column("target", "Scored on"),
    *MODEL_COLUMNS,
    Column("adversarial", "Adv. inputs", "int"),
    Column("applicable", "Applicable", "int"),
    Column("transferred", "Transferred", "int"),
    Column("rate", "Transfer (%)", "rate", interval=True),
)
CAPTION = "Transfer of adversarial inputs between the teacher and its students"


def _row(study: StudyResults, record: AttackRecord, target: str) -> dict:
    status = {r.example_id: r.status for r in record.results}
    chosen = np.array([status.get(e) == SUCCESS for e in study.example_ids], dtype=bool)
    adversarial = np.asarray(record.final_predictions[target], dtype=int)
    applicable, moved = transfer_flags(
        np.asarray(study.labels)[chosen], np.asarray(study.model(target).predicted)[chosen],
        adversarial[chosen],
    )  # fmt: skip
    rate = rate_interval(
        moved.astype(float), applicable.astype(float), np.asarray(study.example_ids)[chosen],
        n_boot=max(study.n_boot, 1), confidence=study.confidence,
        seed=cell_seed(study, NAME, record.attack, record.victim, target),
    )  # fmt: skip
    source_is_teacher = study.model(record.victim).role == TEACHER
    student = study.model(target if source_is_teacher else record.victim)
    row = {**study_cells(study), **model_cells(student), "attack": record.attack}
    row.update(direction=TO_STUDENT if source_is_teacher else TO_TEACHER, source=record.victim,
               target=target, adversarial=int(chosen.sum()), applicable=int(applicable.sum()),
               transferred=int(moved.sum()),
               **interval_cells("rate", rate.rate, rate.low, rate.high))  # fmt: skip
    return row


def transfer(study: StudyResults) -> Table:
    """Table 4 of one study: per attack, teacher -> each student, then each student -> teacher."""
    teacher = study.teacher.name
    rows = []
    for attack in dict.fromkeys(a.attack for a in study.attacks):
        records = {a.victim: a for a in study.attacks if a.attack == attack}
        for student in study.students:
            if teacher in records and student.name in records[teacher].final_predictions:
                rows.append(_row(study, records[teacher], student.name))
        for student in study.students:
            if student.name in records and teacher in records[student.name].final_predictions:
                rows.append(_row(study, records[student.name], teacher))
    notes = (
        "Applicable: the target classifies the clean input correctly; transferred: it also "
        "misclassifies the adversarial input found against the other model.",
    )
    return Table.build(NAME, CAPTION, COLUMNS, rows, notes)
