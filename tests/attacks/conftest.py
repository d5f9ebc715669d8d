"""Fixtures of the attack tests: a victim that looks for one name, examples, a tiny masked LM."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The doubles live beside this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from attack_doubles import CODE_CORPUS, CountingVictim, name_detector  # noqa: E402

from metacompress.data.types import Example  # noqa: E402
from metacompress.testing.attacks import EXAMPLES  # noqa: E402
from metacompress.testing.tiny import tiny_masked_lm  # noqa: E402


@pytest.fixture
def buf_victim() -> CountingVictim:
    return CountingVictim(name_detector("buf"), "buf-detector")


@pytest.fixture
def buf_examples() -> list[Example]:
    """Flippable, misclassified, right, and unlabelled examples for `buf_victim`."""
    return list(EXAMPLES)


@pytest.fixture(scope="session")
def tiny_mlm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random 2-layer RobertaForMaskedLM with a byte-level BPE learnt from the test code and
    identifier-like words (`metacompress.testing.tiny.tiny_masked_lm`)."""
    words = " ".join(
        f"{a}{b}"
        for a in ("len", "size", "data", "ptr", "count", "index", "value", "tmp")
        for b in ("", "_max", "Buf", "2", "_out")
    )
    return tiny_masked_lm(tmp_path_factory.mktemp("teacher") / "mlm", [*CODE_CORPUS, words])
