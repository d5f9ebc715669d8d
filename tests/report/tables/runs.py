"""Small runs made for the table and compare tests: callable models on tiny C and Java inputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from metacompress.data.types import Example
from metacompress.models import CallableClassifier
from metacompress.pipeline.config import parse_config
from metacompress.pipeline.runner import run_experiment

C_CODE = "int f{i}(int a, int b) {{\n    int x = a + {i};\n    int y = x * b;\n    return y;\n}}\n"
JAVA_CODE = "int m{i}(int a) {{\n    int total = a + {i};\n    return total * 2;\n}}\n"


def examples(task: str, n: int = 16) -> list[Example]:
    if task == "clone":
        return [Example(f"p{i:02d}", (JAVA_CODE.format(i=i), JAVA_CODE.format(i=i + 1)), i % 2)
                for i in range(n)]  # fmt: skip
    return [Example(f"e{i:02d}", (C_CODE.format(i=i),), i % 2) for i in range(n)]


def length_model(shift: int):
    def fn(batch):
        p = np.array([((sum(map(len, x)) + shift) % 17) / 17 * 0.9 + 0.05 for x in batch])
        return np.stack([1 - p, p], axis=1)

    return fn


def make_run(out: Path, task: str = "vulnerability", *, student: str = "s", shift: int = 3,
             seed: int = 3, n: int = 16, relations: Any = None) -> Path:  # fmt: skip
    """A run of teacher "t" and student `student` (P(positive) from the input length)."""
    config = parse_config({
        "task": task, "seed": seed, "data": {"format": "jsonl", "path": "given.jsonl"},
        "teacher": "t", "student": student,
        "followups": ["rename-locals", {"attack": "mhm", "params": {"budget": 8}}],
        "relations": relations or ["prediction-agreement", "high-confidence"],
        "statistics": {"bootstrap": 20}, "output": str(out), "report": [],
    }, base_dir=out.parent)  # fmt: skip
    models = {"teacher": CallableClassifier(length_model(0), "t", fingerprint=f"t-{task}"),
              "student": CallableClassifier(length_model(shift), student,
                                            fingerprint=f"{student}-{shift}")}  # fmt: skip
    run_experiment(config, data=examples(task, n), models=models)
    return out
