"""Every registered attack: configuration round trip, validation, and well-formed results."""

from __future__ import annotations

import dataclasses

import pytest
from attack_doubles import CountingVictim, name_detector

from metacompress.attacks import ATTACKS, Attack
from metacompress.code.edits import apply_edits
from metacompress.code.parsing import count_errors
from metacompress.errors import ConfigError
from metacompress.registry import get_params

NAMES = ATTACKS.names()


def params_for(name, tiny_mlm):
    return {"mlm": str(tiny_mlm)} if name == "alert" else {}


def test_the_four_attacks_of_the_issue_are_registered():
    assert set(NAMES) >= {"mhm", "alert", "wir-random", "structural"}


@pytest.mark.parametrize("name", NAMES)
def test_parameters_round_trip_and_are_validated(name):
    cls = ATTACKS.get(name)
    attack = ATTACKS.create(name)
    assert isinstance(attack, Attack) and dataclasses.is_dataclass(attack)
    assert type(attack)(**get_params(attack)) == attack
    assert cls.name == name and ATTACKS.entry(name).description
    for bad in ({"budget": 0}, {"perturb": "left"}, {"batch_size": 0}, {"memo": "yes"}):
        with pytest.raises(ConfigError):
            ATTACKS.create(name, **bad)
    with pytest.raises(ConfigError, match="no parameter"):
        ATTACKS.create(name, colour=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        attack.budget = 3  # type: ignore[misc]


@pytest.mark.parametrize("name", NAMES)
def test_results_are_well_formed(name, tiny_mlm, buf_examples):
    budget = 40
    victim = CountingVictim(name_detector("buf"))
    attack = ATTACKS.create(name, budget=budget, **params_for(name, tiny_mlm))
    results = attack.run(buf_examples, victim, "c", seed=0)
    assert [r.example_id for r in results] == [e.id for e in buf_examples]
    for example, result in zip(buf_examples, results, strict=True):
        assert result.attack == name and result.label == example.label
        assert 0 <= result.queries <= budget
        if result.status == "skipped":
            assert result.reason
            continue
        assert result.original_prediction == example.label
        assert (result.final_prediction != example.label) == (result.status == "success")
        if result.adversarial_inputs is not None:
            for original, new, edits in zip(
                example.inputs, result.adversarial_inputs, result.edits, strict=True
            ):
                assert apply_edits(original, edits) == new
                assert count_errors(new, "c") <= count_errors(original, "c")
