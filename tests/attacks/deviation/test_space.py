"""The deviation searches' space: operators, mutations, composed edits and the variant check."""

from __future__ import annotations

import random

import pytest
from deviation_doubles import SOURCES

from metacompress.attacks.deviation.space import (
    RENAME_OPERATOR,
    Space,
    State,
    Step,
    catalogue_operators,
    check_variant,
)
from metacompress.code.edits import Edit, apply_edits
from metacompress.code.rename import alpha_renaming_problems
from metacompress.code.transform import TRANSFORMS

LOOP = SOURCES["count_up"][1]
JAVA = "public int total(int[] values) {\n    int sum = 0;\n    for (int v : values) {\n        sum += v;\n    }\n    return sum;\n}\n"


def test_operators_are_the_catalogue_without_renamings_and_combinators():
    names = {t.name for t in catalogue_operators("c")}
    every = {e.name for e in TRANSFORMS.entries() if "c" in e.meta["languages"]}
    assert names == every - {"compose", "rename-all", "rename-locals", "rename-parameters"}
    assert [t.name for t in catalogue_operators("c", ["reindent"])] == ["reindent"]
    space = Space("c", (0,), catalogue_operators("c"), ["alpha"])
    assert space.operators[-1] == RENAME_OPERATOR and len(space.operators) == len(names) + 1
    assert RENAME_OPERATOR not in Space("c", (0,), catalogue_operators("c")).operators


def test_mutations_accumulate_and_their_edits_compose_to_the_variant():
    space = Space("c", (0,), catalogue_operators("c"), ["alpha", "beta", "gamma"])
    rng = random.Random(3)
    state = State((LOOP,))
    for _ in range(12):
        child = space.mutate(state, space.operators[rng.randrange(len(space.operators))], rng)
        state = child or state
    assert len(state.steps) >= 6
    (edits,) = state.edits((LOOP,))
    assert apply_edits(LOOP, edits) == state.inputs[0]
    assert check_variant((LOOP,), state, "c") == []


def test_a_renaming_step_renames_one_identifier_to_a_vocabulary_name():
    space = Space("c", (0,), [], ["total_len"])
    state = space.mutate(State((LOOP,)), RENAME_OPERATOR, random.Random(0))
    ((side, old, new),) = state.renamings
    assert side == 0 and new == "total_len" and old in {"k", "acc", "limit"}
    assert alpha_renaming_problems(LOOP, state.inputs[0], "c") == []
    # A name the code already uses is never given.
    assert Space("c", (0,), [], ["acc"]).mutate(State((LOOP,)), RENAME_OPERATOR,
                                                 random.Random(0)) is None  # fmt: skip


def test_an_operator_that_does_not_apply_gives_no_child():
    (while_to_for,) = catalogue_operators("c", ["while-to-for"])
    space = Space("c", (0,), [while_to_for])
    no_while = "int f(int a) {\n    return a + 1;\n}\n"
    assert space.mutate(State((no_while,)), "while-to-for", random.Random(0)) is None


def test_both_inputs_of_a_pair_can_change():
    space = Space("java", (0, 1), catalogue_operators("java", ["insert-comment"]))
    rng = random.Random(1)
    state = State((JAVA, JAVA))
    for _ in range(10):
        state = space.mutate(state, "insert-comment", rng)
    assert all(new != JAVA for new in state.inputs)
    assert {step.side for step in state.steps} == {0, 1}
    first, second = state.edits((JAVA, JAVA))
    assert (
        apply_edits(JAVA, first) == state.inputs[0] and apply_edits(JAVA, second) == state.inputs[1]
    )
    assert check_variant((JAVA, JAVA), state, "java") == []


@pytest.mark.parametrize(
    ("step", "problem"),
    [
        (Step(0, "delete-loop", (Edit(0, 0, "/* */"),)), "no catalogue transformation"),
        (Step(0, "insert-comment", (Edit(0, 0, "int {"),)), "parses worse"),
        (Step(0, RENAME_OPERATOR, (Edit(4, 11, "f"),), ("count_up", "f")), "step 1"),
    ],
)
def test_the_variant_check_refuses_what_no_operator_may_do(step, problem):
    forged = State((apply_edits(LOOP, step.edits),), (step,))
    assert any(problem in p for p in check_variant((LOOP,), forged, "c"))


def test_the_variant_check_refuses_steps_that_do_not_replay():
    step = Step(0, "insert-comment", (Edit(0, 0, "/* a */\n"),))
    assert "the steps do not reproduce the variant" in check_variant(
        (LOOP,), State(("/* b */\n" + LOOP,), (step,)), "c"
    )
