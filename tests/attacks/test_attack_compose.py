"""Composition of edit steps into one edit list on the original text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from metacompress.attacks.compose import compose
from metacompress.code.edits import Edit, apply_edits


def test_compose_independent_and_overlapping_steps():
    text = "int a = b + c;"
    first = [Edit(4, 5, "alpha"), Edit(12, 13, "gamma")]
    middle = apply_edits(text, first)
    assert middle == "int alpha = b + gamma;"
    second = [Edit(6, 9, "PH"), Edit(0, 3, "long")]
    final = apply_edits(middle, second)
    edits = compose(text, [first, second])
    assert apply_edits(text, edits) == final == "long alPH = b + gamma;"
    assert Edit(0, 3, "long") in edits


def test_insertion_at_the_edge_of_an_earlier_insertion():
    text = "x;"
    first = [Edit(0, 0, "A")]
    second = [Edit(1, 1, "B"), Edit(0, 0, "C")]
    final = apply_edits(apply_edits(text, first), second)
    assert apply_edits(text, compose(text, [first, second])) == final == "CABx;"


def test_no_steps_and_empty_steps():
    assert compose("abc", []) == ()
    assert compose("abc", [[], [Edit(1, 2, "X")], []]) == (Edit(1, 2, "X"),)


@st.composite
def edit_lists(draw, text: str):
    """Edits whose ends are character boundaries (UTF-8 byte offsets, as the code layer makes)."""
    boundaries = [len(text[:i].encode()) for i in range(len(text) + 1)]
    points = sorted(draw(st.lists(st.sampled_from(boundaries), max_size=8)))
    edits = []
    previous_end = 0
    for start, end in zip(points[::2], points[1::2], strict=False):
        if start < previous_end:
            continue
        edits.append(Edit(start, end, draw(st.sampled_from(["", "q", "xyz", "é"]))))
        previous_end = end
    return edits


@st.composite
def scenarios(draw):
    text = draw(st.text(alphabet="ab é;", min_size=0, max_size=20))
    steps = []
    current = text
    for _ in range(draw(st.integers(1, 4))):
        step = draw(edit_lists(current))
        current = apply_edits(current, step)
        steps.append(step)
    return text, steps, current


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_composition_reproduces_the_final_text(scenario):
    text, steps, final = scenario
    edits = compose(text, steps)
    assert apply_edits(text, edits) == final
