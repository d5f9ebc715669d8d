"""What `reproduce` does at each budget: data, teacher settings, students, study follow-ups.

- demo: the built-in synthetic benchmark (`data.synth`), tiny teachers and 1 MB students with a
  short block; minutes on 2 CPU cores per task and teacher.
- cpu: the public data sets (Devign, BigCloneBench as CodeXGLUE lays them out), the teachers of
  `distill.presets` for the cpu budget (at most 90 minutes per task and teacher on 2 cores),
  students at the paper's 3 MB with the distillers' `small` budget, a seeded sample of the test
  split for the study (attacks against four models on the whole split take days on a CPU).
- paper: the public data sets, CodeBERT-sized teachers (`base`), 3 MB students at the
  distillers' published settings, the whole test split, the attacks' published query budgets:
  for a GPU.

Every setting of a stage goes into its fingerprint (`reproduce_stages.fingerprint`), so a directory made
at one budget is never silently reused at another.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from metacompress.errors import ConfigError

TEACHER_ARCHS = ("roberta", "graphcodebert")
#: How each teacher architecture is named in the tables (the paper's teachers).
TEACHER_NAMES = {"roberta": "codebert-like", "graphcodebert": "graphcodebert-like"}
STUDENT_METHODS = {"compressor": "Compressor", "avatar": "AVATAR", "morph": "MORPH"}
ATTACKS = ("mhm", "alert", "wir-random", "structural")


@dataclass(frozen=True)
class TaskBudget:
    """The settings of one task at one budget.

    data: "synthetic" (n_train functions or pairs, half labelled for the teacher, half
    unlabelled for the students; n_valid; n_test) or "shared" (the CodeXGLUE splits;
    n_test > 0 samples the test split, 0 takes it all); n_unlabelled caps the students'
    distillation set (0: all); teacher_preset: a `distill.teacher` preset name, or "budget"
    for the teacher of `distill.presets` at this budget; teacher_options: overrides of it;
    student_size_mb, distill_budget, student_length: the students' size target, the
    distillers' budget level and block size; attacks: attack name -> parameters;
    bootstrap: resamples of the study's intervals.
    """

    data: str
    n_test: int
    teacher_preset: str
    student_size_mb: float
    distill_budget: str
    student_length: int
    attacks: Mapping[str, Mapping[str, Any]]
    n_train: int = 0
    n_valid: int = 0
    n_unlabelled: int = 0
    teacher_options: Mapping[str, Any] = field(default_factory=dict)
    combine: int = 2
    bootstrap: int = 1000
    batch_size: int = 32

    def settings(self) -> dict[str, Any]:
        """Plain values of every setting (for fingerprints and the manifest)."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Budget:
    """A named budget: the settings of each task."""

    name: str
    tasks: Mapping[str, TaskBudget]

    def task(self, task: str) -> TaskBudget:
        if task not in self.tasks:
            raise ConfigError(f"budget {self.name} has no settings for task {task!r}")
        return self.tasks[task]


def _attacks(budget: int, mhm_iterations: int, candidates: int, beam: int) -> dict[str, dict]:
    """The four attacks with a query budget per example (ALERT's masked LM is added by the
    workflow: the task's CodeBERT-like teacher's pre-trained MLM)."""
    return {
        "mhm": {"budget": budget, "max_iterations": mhm_iterations, "n_candidates": candidates},
        "alert": {"budget": budget, "top_k": 2 * candidates, "n_substitutes": candidates},
        "wir-random": {"budget": budget, "n_substitutes": 5},
        "structural": {"budget": budget, "beam_width": beam, "max_iterations": 4},
    }


#: The demo: a tiny teacher learns the synthetic patterns from 1,600 labelled functions in
#: about a minute and a half; 1 MB students with a 128-token block (synthetic code is short).
DEMO_TASK = TaskBudget(
    data="synthetic",
    n_train=3200,
    n_valid=100,
    n_test=60,
    n_unlabelled=1600,
    teacher_preset="tiny",
    student_size_mb=1.0,
    distill_budget="tiny",
    student_length=128,
    attacks=_attacks(80, 15, 8, 2),
    bootstrap=1000,
)
CPU_TASK = TaskBudget(
    data="shared",
    n_test=200,
    teacher_preset="budget",
    student_size_mb=3.0,
    distill_budget="small",
    student_length=256,
    attacks=_attacks(200, 30, 15, 2),
)
PAPER_TASK = TaskBudget(
    data="shared",
    n_test=0,
    teacher_preset="budget",
    student_size_mb=3.0,
    distill_budget="paper",
    student_length=400,
    attacks={"mhm": {}, "alert": {}, "wir-random": {}, "structural": {}},
)
BUDGETS = {
    "demo": Budget("demo", {"vulnerability": DEMO_TASK, "clone": DEMO_TASK}),
    "cpu": Budget("cpu", {"vulnerability": CPU_TASK, "clone": CPU_TASK}),
    "paper": Budget("paper", {"vulnerability": PAPER_TASK, "clone": PAPER_TASK}),
}


def get_budget(name: str | Budget) -> Budget:
    """The budget named `name` (a Budget is returned as it is)."""
    if isinstance(name, Budget):
        return name
    if name not in BUDGETS:
        raise ConfigError(f"--budget must be one of {', '.join(BUDGETS)}, got {name!r}")
    return BUDGETS[name]
