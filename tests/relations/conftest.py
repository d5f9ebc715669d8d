"""Builders of teacher/student outputs for the relation tests (`metacompress.testing`)."""

from __future__ import annotations

import pytest

from metacompress.testing.relations import random_pair


@pytest.fixture
def make_pair():
    return random_pair
