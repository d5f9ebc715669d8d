"""What `reproduce` does at each budget.

The teachers, students and data of each budget are `distill.presets`'s (demo: the built-in
synthetic benchmark, a tiny teacher, small students; cpu: Devign and BigCloneBench, teachers
within 90 minutes of 2 cores per task and teacher, 3 MB students; paper: the published
checkpoints and settings). This module adds what the studies of stage 3 run with
(`StudySettings`): how many test inputs (a seeded sample of the test split; 0: all of it), the
four attacks' parameters (a query budget per example at the demo and cpu budgets, the
published defaults at the paper budget), the combination depth and the bootstrap.

Every setting of a stage goes into its fingerprint (`reproduce_stages.fingerprint`), so a
directory made at one budget is never silently reused at another.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from metacompress.errors import ConfigError

BUDGETS = ("demo", "cpu", "paper")
TEACHER_ARCHS = ("roberta", "graphcodebert")
#: How each teacher architecture is named in the tables (the paper's teachers, trained here).
TEACHER_NAMES = {"roberta": "codebert-like", "graphcodebert": "graphcodebert-like"}
STUDENT_METHODS = {"compressor": "Compressor", "avatar": "AVATAR", "morph": "MORPH"}
ATTACKS = ("mhm", "alert", "wir-random", "structural")


@dataclass(frozen=True)
class StudySettings:
    """The study run of one task and teacher: `n_test` test inputs (0: the whole split),
    `attacks` (attack name -> parameters), 2-step or deeper `combine`, `bootstrap` resamples,
    the models' `batch_size`."""

    n_test: int
    attacks: Mapping[str, Mapping[str, Any]]
    combine: int = 2
    bootstrap: int = 1000
    batch_size: int = 32

    def settings(self) -> dict[str, Any]:
        """Plain values of every setting (for fingerprints and the manifest)."""
        return dataclasses.asdict(self)


def query_budget_attacks(budget: int, candidates: int) -> dict[str, dict[str, Any]]:
    """The four attacks with at most `budget` model queries per example and `candidates`
    substitutes per identifier (ALERT's masked LM is added by the workflow: the task's
    CodeBERT-like teacher's pre-trained MLM)."""
    return {
        "mhm": {"budget": budget, "max_iterations": budget // candidates,
                "n_candidates": candidates},
        "alert": {"budget": budget, "top_k": 2 * candidates, "n_substitutes": candidates},
        "wir-random": {"budget": budget, "n_substitutes": 5},
        "structural": {"budget": budget, "beam_width": 2, "max_iterations": 4},
    }  # fmt: skip


STUDIES = {
    "demo": StudySettings(n_test=100, attacks=query_budget_attacks(80, 8)),
    "cpu": StudySettings(n_test=200, attacks=query_budget_attacks(200, 15)),
    "paper": StudySettings(n_test=0, attacks={name: {} for name in ATTACKS}),
}


def study_settings(budget: str) -> StudySettings:
    """The study settings of `budget`."""
    if budget not in STUDIES:
        raise ConfigError(f"--budget must be one of {', '.join(BUDGETS)}, got {budget!r}")
    return STUDIES[budget]
