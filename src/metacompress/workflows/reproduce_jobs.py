"""The work of `reproduce`'s teacher and student stages as picklable jobs.

Each job carries every setting it reads (the task's data source with its synthetic sizes, the
teacher's preset, the student's plan), never a module default looked up where it runs, so it
does the same in the workflow's process or in a worker process of
`reproduce_stages.StageBook.run_all`. Each job loads its own copy of the data (a fraction of a
second for the synthetic benchmark, 1-3 s for the shared files), so no stage sees what another
did to its examples.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class DataSource:
    """Where a task's data comes from: the budget's synthetic benchmark at `sizes` (labelled,
    unlabelled, valid, test; demo), or the shared CodeXGLUE files under `folder`."""

    budget: str
    task: str
    folder: str | None
    seed: int
    sizes: tuple[int, ...] | None = None

    def load(self) -> Any:
        """A fresh copy of the task's splits (`distill.presets.task_data`)."""
        from metacompress.distill.presets import task_data

        return task_data(self.budget, self.task, self.folder, seed=self.seed, sizes=self.sizes)


def teacher_metrics(folder: Path) -> dict[str, Any]:
    """The finished teacher's best validation metrics and training seconds."""
    record = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    best = record.get("best") or {}
    return {"valid": {k: v for k, v in best.items() if k.startswith("valid_")},
            "seconds": record.get("seconds")}  # fmt: skip


def train_teacher_job(
    source: DataSource, arch: str, preset: Any, out: Path, folder: Path
) -> dict[str, Any]:
    """Train (or continue, or read back) the teacher into `folder`; its spec relative to
    `out` and its validation metrics."""
    from metacompress.distill.presets import train_stage_teacher

    spec = train_stage_teacher(source.budget, source.task, arch, source.load(), folder,
                               seed=source.seed, preset=preset)  # fmt: skip
    return {"spec": str(Path(spec).relative_to(out)), **teacher_metrics(folder)}


def distil_student_job(
    source: DataSource, plan: Any, teacher_dir: Path, out: Path, folder: Path
) -> dict[str, Any]:
    """Distil (or continue, or read back) the student of `plan` into `folder`; its spec
    relative to `out`, size and validation accuracy and agreement."""
    from metacompress.distill.presets import distil_stage_student

    result = distil_stage_student(plan, source.task, teacher_dir, source.load(), folder,
                                  seed=source.seed)  # fmt: skip
    return {"spec": str(result.student_spec.relative_to(out)),
            "size_mb": result.size_mb, "parameters": result.parameters,
            "valid_accuracy": result.accuracy, "valid_agreement": result.agreement}  # fmt: skip
