"""Fixtures of the workflow tests: the rule teacher's data and small trainable students."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from repair_doubles import copy_examples, train_planted_student  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _one_thread_for_fixtures():
    """One torch thread from the start, for the module and session fixtures too: they are set
    up before any function fixture, and the thread count changes floating-point sums, so a
    trained fixture model made with torch's default threads differed from the same model
    trained inside a test (`test_reproduce` compares the two)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(autouse=True)
def _one_thread():
    import torch

    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def train_functions():
    return copy_examples(60, 0, "t")


@pytest.fixture(scope="session")
def held_out_functions():
    return copy_examples(40, 1, "h")


@pytest.fixture(scope="session")
def rough_student(tmp_path_factory, train_functions) -> Path:
    """A student trained for 2 epochs only: it has not learned much, and that is enough to
    exercise the repair workflow."""
    return train_planted_student(tmp_path_factory.mktemp("rough"), train_functions[:20], 2)
