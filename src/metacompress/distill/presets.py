"""Budgets of a whole study: the teacher and the three students `reproduce` trains per task.

Three budgets:
- `demo`: the built-in synthetic benchmark (`task_data.synthetic_task_data` at
  `SYNTHETIC_SIZES`), a tiny teacher and three small students; a few minutes of training on
  2 cores, students within a few points of the teacher.
- `cpu`: the shared CodeXGLUE data (Devign, BigCloneBench), teachers trained from scratch
  within 90 minutes of 2 cores per task and teacher (masked-LM pre-training on all the task's
  unlabelled code, a 256-token window, early stopping), students of the paper's 3 MB.
- `paper`: the published settings: CodeBERT / GraphCodeBERT checkpoints fine-tuned (needs the
  hub or local copies of microsoft/codebert-base and microsoft/graphcodebert-base and, in
  practice, a GPU), 3 MB students at each method's published budget on all unlabelled data.

The stage functions are resumable: `train_stage_teacher` returns a finished teacher as it is,
continues an interrupted one from its last checkpoint, and starts one otherwise;
`distil_stage_student` does the same for a student (the final training resumes from its
checkpoint, surrogate samples already distilled are read back, soft labels come from the
teacher's cache).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from metacompress.distill.teacher import PRESETS, TeacherPreset
from metacompress.errors import ConfigError
from metacompress.registry import check_choice

BUDGETS = ("demo", "cpu", "paper")
METHODS = ("compressor", "avatar", "morph")
TASK_FOLDERS = {"vulnerability": "devign", "clone": "bigclonebench"}

#: The demo's synthetic splits per task: labelled (teacher), unlabelled (students), valid, test.
SYNTHETIC_SIZES = {
    "vulnerability": (1600, 3000, 200, 300),
    "clone": (1600, 3000, 200, 300),
}

#: The cpu budget's teachers: 2 cores, at most 90 minutes per task and teacher.
CPU_TEACHERS = {
    "vulnerability": TeacherPreset(
        vocab_size=8000, hidden_size=128, num_layers=4, num_heads=4, intermediate_size=512,
        max_length=256, epochs=8, mlm_epochs=3, batch_size=32, learning_rate=3e-4,
        mlm_learning_rate=5e-4, eval_every=150, patience=8, cpu_budget_s=100 * 60,
        mlm_cpu_budget_s=45 * 60, weight_decay=0.01, valid_limit=1000,
    ),
    "clone": TeacherPreset(
        vocab_size=8000, hidden_size=128, num_layers=4, num_heads=4, intermediate_size=512,
        max_length=256, epochs=2, mlm_epochs=5, batch_size=32, learning_rate=3e-4,
        mlm_learning_rate=5e-4, eval_every=300, patience=6, cpu_budget_s=120 * 60,
        mlm_cpu_budget_s=40 * 60, weight_decay=0.01, valid_limit=1000,
    ),
}  # fmt: skip

#: The paper budget's teachers: the published checkpoints (CodeXGLUE's fine-tuning recipe).
PAPER_INIT = {"roberta": "microsoft/codebert-base", "graphcodebert": "microsoft/graphcodebert-base"}


@dataclass(frozen=True)
class StudentPlan:
    """One student of a budget: the method, its distiller parameters, and how many unlabelled
    examples it distils on (0: all of the unlabelled split)."""

    method: str
    params: Mapping[str, Any] = field(default_factory=dict)
    unlabelled: int = 0


#: Students per budget (per task where they differ). Demo (benchmarks/paper/README.md, "The
#: demo's students"): soft labels at T = 1; Compressor's student at hidden dropout 0.1 (with
#: the published 0.5 it agreed with its teacher on 80 % of the validation functions, at 0.1 on
#: more); AVATAR and MORPH keep at least 112 tokens (a 64-token student plateaued 18 points
#: under its teacher) and train 20 and 10 epochs (their `tiny` budget's 3 leave them 5-10
#: points under it; MORPH's data is doubled by its metamorphic copies).
DEMO_KD = {"size_mb": 0.25, "budget": "tiny", "temperature": 1.0}
STUDENTS: dict[str, dict[str, tuple[StudentPlan, ...]]] = {
    "demo": {
        task: (
            StudentPlan("compressor", {**DEMO_KD, "max_length": 128, "hidden_dropout": 0.1}),
            StudentPlan("avatar", {**DEMO_KD, "epochs": 20, "max_length_range": (112, 128)}),
            StudentPlan("morph", {**DEMO_KD, "epochs": 10, "max_length_range": (112, 128)}),
        )
        for task in TASK_FOLDERS
    },
    "cpu": {
        task: (
            StudentPlan("compressor", {"size_mb": 3.0, "budget": "small", "max_length": 256}),
            StudentPlan("avatar", {"size_mb": 3.0, "budget": "small", "max_length_range": (128, 256)}),
            StudentPlan("morph", {"size_mb": 3.0, "budget": "small", "max_length_range": (128, 256)}),
        )
        for task in TASK_FOLDERS
    },
    "paper": {
        task: tuple(StudentPlan(m, {"size_mb": 3.0, "budget": "paper"}) for m in METHODS)
        for task in TASK_FOLDERS
    },
}  # fmt: skip


def teacher_preset(budget: str, task: str, arch: str = "roberta") -> TeacherPreset:
    """The teacher settings of `budget` for `task` and `arch` (offline training)."""
    check_choice("budget", budget, BUDGETS)
    check_choice("task", task, tuple(TASK_FOLDERS))
    if budget == "demo":
        return PRESETS["tiny"]
    if budget == "cpu":
        return CPU_TEACHERS[task]
    return PRESETS["base"]


def teacher_init(budget: str, arch: str) -> str | None:
    """The checkpoint the budget's teacher is fine-tuned from (None: trained from scratch)."""
    return PAPER_INIT[arch] if budget == "paper" else None


def student_plans(budget: str, task: str) -> tuple[StudentPlan, ...]:
    """The budget's three students for `task`, in `METHODS` order."""
    check_choice("budget", budget, BUDGETS)
    check_choice("task", task, tuple(TASK_FOLDERS))
    return STUDENTS[budget][task]


def task_data(
    budget: str,
    task: str,
    shared_data: str | Path | None = None,
    seed: int = 0,
    sizes: Sequence[int] | None = None,
):
    """The budget's data for `task`: synthetic for demo (`sizes`, default `SYNTHETIC_SIZES`),
    the shared CodeXGLUE files otherwise (`shared_data` is the folder holding devign/ and
    bigclonebench/)."""
    from metacompress.distill.task_data import load_task_data, synthetic_task_data

    check_choice("budget", budget, BUDGETS)
    if budget == "demo":
        return synthetic_task_data(task, *(sizes or SYNTHETIC_SIZES[task]), seed=seed)
    if shared_data is None:
        raise ConfigError(f"budget {budget!r} needs the folder of the Devign/BigCloneBench files")
    return load_task_data(task, Path(shared_data) / TASK_FOLDERS[task], seed=seed)


def train_stage_teacher(
    budget: str,
    task: str,
    arch: str,
    data: Any,
    out_dir: str | Path,
    seed: int = 0,
    preset: TeacherPreset | None = None,
) -> Path:
    """The budget's teacher of `arch` for `task` in `out_dir` (with `preset`, default the
    budget's): read back when finished, resumed when interrupted, trained otherwise. Returns
    its model spec."""
    from metacompress.distill.teacher import train_teacher
    from metacompress.models.spec import SPEC_NAME

    out = Path(out_dir)
    if (out / SPEC_NAME).is_file() and (out / "metrics.json").is_file():
        return out / SPEC_NAME
    init = teacher_init(budget, arch)
    return train_teacher(
        data.labelled,
        data.valid,
        task,
        out,
        preset=preset or teacher_preset(budget, task, arch),
        mlm_pretrain=init is None,  # a published checkpoint is fine-tuned directly (CodeXGLUE)
        seed=seed,
        arch=arch,
        init=init,
        pretrain_codes=data.pretrain_codes,
        resume=True,
    )


def distil_stage_student(
    plan: StudentPlan,
    task: str,
    teacher: str | Path,
    data: Any,
    out_dir: str | Path,
    seed: int = 0,
):
    """The student of `plan` distilled from `teacher` into `out_dir`: read back when finished,
    resumed when interrupted, distilled otherwise. Returns the DistillResult."""
    from metacompress.distill import distill
    from metacompress.distill.base import DistillResult
    from metacompress.models.spec import SPEC_NAME

    out = Path(out_dir)
    if (out / SPEC_NAME).is_file() and (out / "metrics.json").is_file():
        return DistillResult.load(out)
    unlabelled = data.unlabelled[: plan.unlabelled] if plan.unlabelled else data.unlabelled
    return distill(plan.method, teacher, unlabelled, data.valid, task, out, seed=seed,
                   **dict(plan.params))  # fmt: skip


def with_params(plan: StudentPlan, **params: Any) -> StudentPlan:
    """`plan` with some distiller parameters changed."""
    return replace(plan, params={**plan.params, **params})
