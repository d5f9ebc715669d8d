import pytest

from metacompress.code.edits import Edit, apply_edits, separate_tokens


def test_edits_apply_in_byte_offsets_past_non_ascii():
    code = "int x = 1; /* é */ int y = x;"
    start = code.encode().index(b"y")
    assert apply_edits(code, [Edit(start, start + 1, "z")]) == "int x = 1; /* é */ int z = x;"


def test_an_edit_that_cuts_a_character_is_refused_even_when_the_bytes_decode():
    # 'é;;;;é' is C3 A9 3B 3B 3B 3B C3 A9: deleting bytes 1..7 leaves C3 A9, valid UTF-8,
    # but both ends of the span fall inside a character.
    with pytest.raises(ValueError, match="cuts a UTF-8 character"):
        apply_edits("é;;;;é", [Edit(1, 7, "")])
    assert apply_edits("é;;;;é", [Edit(2, 6, "")]) == "éé"


def test_insertions_at_one_offset_keep_their_order_and_overlap_is_refused():
    assert apply_edits("ab", [Edit(1, 1, "X"), Edit(1, 1, "Y")]) == "aXYb"
    with pytest.raises(ValueError, match="overlapping"):
        apply_edits("abcdef", [Edit(0, 3, "x"), Edit(2, 4, "y")])


@pytest.mark.parametrize(
    ("code", "edits", "expected"),
    [
        # A replacement glued to the keyword before it gets a space at its start ...
        ('else{f("y");}', [Edit(4, 13, 'f("y");')], 'else f("y");'),
        # ... to the word after it a space at its end ...
        ("do{x++;}while(x);", [Edit(2, 8, "x++;")], "do x++;while(x);"),
        ("a=b;", [Edit(2, 2, "c")], "a=c b;"),
        ("a=b;", [Edit(2, 2, "c-")], "a=c-b;"),
        ("a=-b;", [Edit(1, 2, "-")], "a- -b;"),
        # ... and a deletion that brings two words together becomes a space.
        ("int/**/x;", [Edit(3, 7, "")], "int x;"),
        # Adjacent replacements are spaced apart too; nothing changes where nothing glues.
        ("(a)", [Edit(0, 1, "x"), Edit(1, 1, "y")], "x y a)"),
        ("f(a);", [Edit(2, 3, "b")], "f(b);"),
        ("1;", [Edit(1, 1, ".5")], "1 .5;"),
    ],
)
def test_separate_tokens_keeps_every_token_boundary(code, edits, expected):
    spaced = separate_tokens(code, edits)
    assert apply_edits(code, spaced) == expected
    assert [(e.start, e.end) for e in spaced] == [(e.start, e.end) for e in edits]
