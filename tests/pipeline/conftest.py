"""Fixtures of the pipeline tests: a config builder and a runner over the test doubles."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# The test doubles live beside this file; the fault-injection subprocesses import them too.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from pipeline_doubles import examples, identical_student, teacher  # noqa: E402

from metacompress.pipeline.config import RunConfig, parse_config  # noqa: E402
from metacompress.pipeline.runner import RunOutcome, run_experiment  # noqa: E402

FOLLOWUPS = ["rename-locals", "for-to-while", "insert-unused-variable", {"combine": 2}]


def config_dict(out: Path, **overrides: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "task": "vulnerability",
        "seed": 7,
        "data": {"format": "jsonl", "path": "given-in-the-test.jsonl"},
        "teacher": "teacher-double",
        "student": "student-double",
        "followups": FOLLOWUPS,
        "relations": "all",
        "statistics": {"bootstrap": 50},
        "chunk_size": 5,
        "batch_size": 4,
        "output": str(out),
        "report": [],
    }
    raw.update(overrides)
    return raw


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., RunConfig]:
    def make(name: str = "run", **overrides: Any) -> RunConfig:
        return parse_config(config_dict(tmp_path / name, **overrides), base_dir=tmp_path)

    return make


@pytest.fixture
def run(make_config: Callable[..., RunConfig]) -> Callable[..., RunOutcome]:
    """run(name, student=..., data=..., resume=..., **config overrides) -> RunOutcome."""

    def go(name: str = "run", *, student=None, data=None, resume=False, **overrides: Any):
        config = make_config(name, **overrides)
        models = {"teacher": teacher(), "student": student or identical_student()}
        return run_experiment(
            config, resume=resume, data=data if data is not None else examples(), models=models
        )

    return go
