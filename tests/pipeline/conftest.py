"""Fixtures of the pipeline tests: a config builder and a runner over the test doubles."""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# The test doubles live beside this file; the fault-injection subprocesses import them too.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from pipeline_doubles import config_dict, examples, identical_student, teacher  # noqa: E402

from metacompress.code.transform import (  # noqa: E402
    TRANSFORMS,
    NotApplicable,
    Transformation,
    transform,
)
from metacompress.pipeline.config import RunConfig, parse_config  # noqa: E402
from metacompress.pipeline.runner import RunOutcome, run_experiment  # noqa: E402


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


@transform("test-raises", ("c",), "raises on an input containing BOOM")
@dataclasses.dataclass(frozen=True)
class Raises(Transformation):
    def _edits(self, parsed, rng):
        if "BOOM" in parsed.code:
            raise RuntimeError("this transformation is broken")
        return NotApplicable("no BOOM")


@transform("test-spins", ("c",), "never finishes")
@dataclasses.dataclass(frozen=True)
class Spins(Transformation):
    def _edits(self, parsed, rng):
        while True:
            rng.random()


@transform("test-dies", ("c",), "kills its own process on an input containing DIE")
@dataclasses.dataclass(frozen=True)
class Dies(Transformation):
    def _edits(self, parsed, rng):
        if "DIE" in parsed.code:
            os.kill(os.getpid(), signal.SIGKILL)
        return NotApplicable("no DIE")


# Registered only while a test asks for them (the catalogue of every other test is the real one).
TEST_TRANSFORMS = {"test-raises": Raises, "test-spins": Spins, "test-dies": Dies}
for _name in TEST_TRANSFORMS:
    TRANSFORMS._entries.pop(_name)


def _registered(name: str):
    cls = TEST_TRANSFORMS[name]
    transform(name, tuple(cls.languages), cls.description)(cls)
    yield
    TRANSFORMS._entries.pop(name)


@pytest.fixture
def raising_transform():
    """test-raises, registered for this test: raises on an input containing BOOM."""
    yield from _registered("test-raises")


@pytest.fixture
def spinning_transform():
    """test-spins, registered for this test: never ends."""
    yield from _registered("test-spins")


@pytest.fixture
def dying_transform():
    """test-dies, registered for this test: kills the process it runs in on a DIE input."""
    yield from _registered("test-dies")
