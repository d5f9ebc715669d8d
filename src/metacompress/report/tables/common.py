"""What every paper table shares: the columns that say which study and model a row is about,
and the seed of each bootstrap.

Every row names its study (`task`, `dataset`, `teacher`) and the model it is about (`model`,
`role`, `method`, `seed`: the student's training seed when known, and its `fingerprint`, in
the data only) and counts the seeds it stands for (`seeds`: 1, or the number of students
grouped by `seeds.group_seeds`).
"""

from __future__ import annotations

from typing import Any

from metacompress.hashing import bootstrap_seed
from metacompress.report.tables.study import ModelRecord, StudyResults
from metacompress.report.tables.table import Column

STUDY_COLUMNS = (
    Column("task", "Task"),
    Column("dataset", "Data"),
    Column("teacher", "Teacher"),
)
MODEL_COLUMNS = (
    Column("model", "Model"),
    Column("role", "Role"),
    Column("method", "Method"),
    Column("seed", "Seed", "int", context=True),
    Column("seeds", "Seeds", "int", context=True),
    Column("fingerprint", "Fingerprint", shown=False),
)


def study_cells(study: StudyResults) -> dict[str, Any]:
    return {"task": study.task, "dataset": study.dataset, "teacher": study.teacher.method}


def model_cells(model: ModelRecord) -> dict[str, Any]:
    return {"model": model.name, "role": model.role, "method": model.method, "seed": model.seed,
            "seeds": 1, "fingerprint": model.fingerprint}  # fmt: skip


def cell_seed(study: StudyResults, *cell: object, student: str | None = None) -> int:
    """The bootstrap seed of one cell (`hashing.bootstrap_seed`): no number depends on which
    other cells were computed, and a cell the run itself computed (a rate: relation and set; a
    robustness row: its follow-up; a drop comparison: its attack) gets the run's seed, hence
    the run's interval."""
    return bootstrap_seed(study.seed, *cell, student=student)


def interval_cells(name: str, value: Any, low: Any, high: Any) -> dict[str, Any]:
    return {name: value, f"{name}_low": low, f"{name}_high": high}
