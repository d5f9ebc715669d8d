"""The structural attack: beam search over non-renaming transformations."""

from __future__ import annotations

import pytest
from attack_doubles import LOOP_CODE, CountingVictim

from metacompress.attacks import ATTACKS
from metacompress.attacks.structural import is_renaming, structural_transforms
from metacompress.code.edits import apply_edits
from metacompress.code.parsing import count_errors
from metacompress.code.transform import TRANSFORMS
from metacompress.data.types import Example
from metacompress.errors import ConfigError


def for_loop_detector(batch):
    """'vulnerable' while a for loop is left."""
    return [[0.2, 0.8] if "for (" in b[0] else [0.7, 0.3] for b in batch]


def graded(batch):
    """P(positive) falls by 0.1 for every line added, from 0.75: three lines flip it."""
    base = LOOP_CODE.count("\n")
    return [[1 - p, p] for p in (0.75 - 0.1 * max(0, b[0].count("\n") - base) for b in batch)]


def test_the_transformations_are_the_non_renaming_ones_of_the_registry():
    chosen = {t.name for t in structural_transforms("c")}
    every = {e.name for e in TRANSFORMS.entries() if "c" in e.meta["languages"]}
    renaming = {e.name for e in TRANSFORMS.entries() if is_renaming(e.obj)}
    assert renaming and chosen == every - renaming
    assert [t.name for t in structural_transforms("c", ["for-to-while"])] == ["for-to-while"]
    with pytest.raises(ConfigError, match="not structural transformations"):
        structural_transforms("c", ["rename-locals"])


def test_structural_attack_flips_a_victim_that_looks_for_a_for_loop():
    example = Example("loop", (LOOP_CODE,), 1)
    victim = CountingVictim(for_loop_detector)
    (result,) = ATTACKS.create("structural", budget=200).run([example], victim, "c", seed=0)
    assert result.status == "success", result.reason
    adversarial = result.adversarial_inputs[0]
    assert "for (" not in adversarial
    assert apply_edits(LOOP_CODE, result.edits[0]) == adversarial
    assert count_errors(adversarial, "c") <= count_errors(LOOP_CODE, "c")
    assert result.steps and all(step != "rename-locals" for step in result.steps)
    assert result.queries <= 200 and result.identifiers_changed == 0


def test_multi_step_results_compose_their_edits():
    example = Example("loop", (LOOP_CODE,), 1)
    attack = ATTACKS.create("structural", transforms=("insert-unused-variable",), beam_width=1)
    (result,) = attack.run([example], CountingVictim(graded), "c", seed=1)
    assert result.status == "success", result.reason
    assert len(result.steps) >= 3
    assert apply_edits(LOOP_CODE, result.edits[0]) == result.adversarial_inputs[0]


@pytest.mark.parametrize("budget", [1, 3, 10])
def test_structural_budget_is_never_exceeded(budget):
    example = Example("loop", (LOOP_CODE,), 1)
    victim = CountingVictim(lambda batch: [[0.1, 0.9] for _ in batch])
    (result,) = ATTACKS.create("structural", budget=budget).run([example], victim, "c", seed=0)
    assert result.status == "failed"
    assert len(set(victim.inputs)) == result.queries <= budget


def test_structural_is_reproducible():
    example = Example("loop", (LOOP_CODE,), 1)
    runs = [
        ATTACKS.create("structural", budget=60).run([example], CountingVictim(graded), "c", seed=5)[
            0
        ]
        for _ in range(2)
    ]
    assert runs[0].to_dict() == runs[1].to_dict()
