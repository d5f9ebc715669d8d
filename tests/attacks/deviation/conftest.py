"""Fixtures of the deviation-search tests: the planted pair and its sources."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from deviation_doubles import planted_examples, planted_pair  # noqa: E402


@pytest.fixture
def pair():
    return planted_pair()


@pytest.fixture
def sources():
    return planted_examples()
