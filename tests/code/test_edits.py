import pytest

from metacompress.code.edits import Edit, apply_edits


def test_edits_apply_in_byte_offsets_past_non_ascii():
    code = "int x = 1; /* é */ int y = x;"
    start = code.encode().index(b"y")
    assert apply_edits(code, [Edit(start, start + 1, "z")]) == "int x = 1; /* é */ int z = x;"


def test_insertions_at_one_offset_keep_their_order_and_overlap_is_refused():
    assert apply_edits("ab", [Edit(1, 1, "X"), Edit(1, 1, "Y")]) == "aXYb"
    with pytest.raises(ValueError, match="overlapping"):
        apply_edits("abcdef", [Edit(0, 3, "x"), Edit(2, 4, "y")])
