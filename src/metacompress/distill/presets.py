"""Budgets for a whole study: which teacher and which students `reproduce` trains.

Work in progress: teacher presets per (budget, task, arch).
"""

from __future__ import annotations

from metacompress.distill.teacher import PRESETS, TeacherPreset
from metacompress.errors import ConfigError

BUDGETS = ("demo", "cpu", "paper")

#: The cpu budget: 2 cores, at most 90 minutes per task and teacher (180 CPU minutes).
CPU_TEACHERS = {
    "vulnerability": TeacherPreset(
        vocab_size=8000,
        hidden_size=256,
        num_layers=4,
        num_heads=4,
        intermediate_size=1024,
        max_length=256,
        epochs=5,
        mlm_epochs=2,
        batch_size=32,
        learning_rate=2e-4,
        mlm_learning_rate=5e-4,
        eval_every=200,
        patience=6,
        cpu_budget_s=100 * 60,
        mlm_cpu_budget_s=70 * 60,
        weight_decay=0.01,
        valid_limit=1000,
    ),
    "clone": TeacherPreset(
        vocab_size=8000,
        hidden_size=128,
        num_layers=4,
        num_heads=4,
        intermediate_size=512,
        max_length=256,
        epochs=2,
        mlm_epochs=5,
        batch_size=32,
        learning_rate=3e-4,
        mlm_learning_rate=5e-4,
        eval_every=300,
        patience=6,
        cpu_budget_s=120 * 60,
        mlm_cpu_budget_s=40 * 60,
        weight_decay=0.01,
        valid_limit=1000,
    ),
}


def teacher_preset(budget: str, task: str, arch: str = "roberta") -> TeacherPreset:
    """The teacher settings of `budget` for `task` and `arch`."""
    if budget == "cpu":
        return CPU_TEACHERS[task]
    if budget == "paper":
        return PRESETS["base"]
    raise ConfigError(f"budget must be one of {', '.join(BUDGETS)}, got {budget!r}")
