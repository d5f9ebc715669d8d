"""Every registered attack passes `metacompress.testing.check_attack` (the scikit-learn way),
one check at a time, against the name-detector victim of `metacompress.testing.attacks`."""

from __future__ import annotations

import pytest

from metacompress.attacks import ATTACKS
from metacompress.testing.attacks import ATTACK_CHECKS, EXAMPLES, default_victim

NAMES = ATTACKS.names()


def test_the_four_attacks_of_the_issue_are_registered():
    assert set(NAMES) >= {"mhm", "alert", "wir-random", "structural"}


@pytest.mark.parametrize("check", ATTACK_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("name", NAMES)
def test_attack_conformance(name, check, tiny_mlm):
    params = {"mlm": str(tiny_mlm)} if name == "alert" else {}
    check(ATTACKS.get(name), params, default_victim(), EXAMPLES, "c")
