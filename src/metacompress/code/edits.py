"""Text edits and their application.

An `Edit` replaces the bytes [start, end) of the UTF-8 encoding of a text with `replacement`
(start == end inserts). Offsets are bytes because tree-sitter reports bytes; a text with
non-ASCII characters in comments or strings is edited correctly. Edits of one step never
overlap; insertions at the same offset are applied in the order given.

Where edits are joined to the text around them, no token may be created or destroyed:
`separate_tokens` gives a replacement a space at any end where it would otherwise glue onto
its neighbour (`else` + `printf(...)` is `else printf(...)`, not `elseprintf(...)`; see
`lexer.fuses` for when two tokens glue), or a newline where a `//` comment before it would
swallow it. Every transformation's edits pass through it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from metacompress.code.lexer import ends_in_line_comment, fuses


@dataclass(frozen=True)
class Edit:
    """Replace bytes [start, end) of the text's UTF-8 encoding by `replacement`."""

    start: int
    end: int
    replacement: str

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(
                f"edit span must satisfy 0 <= start <= end, got {self.start}, {self.end}"
            )

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "replacement": self.replacement}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Edit:
        return cls(int(data["start"]), int(data["end"]), str(data["replacement"]))


def sort_edits(edits: Iterable[Edit]) -> list[Edit]:
    """Edits ordered by position (stable for insertions at one offset); overlap is an error."""
    edits = list(edits)
    return [edits[i] for i in _order(edits)]


def _order(edits: Sequence[Edit]) -> list[int]:
    """The indices of `edits` in document order (stable for insertions at one offset); overlap
    is an error."""
    order = sorted(range(len(edits)), key=lambda i: (edits[i].start, edits[i].end, i))
    result = [edits[i] for i in order]
    for before, after in zip(result, result[1:], strict=False):
        if before.end > after.start or (
            before.start == after.start and before.end > before.start and after.end > after.start
        ):
            raise ValueError(f"overlapping edits: {before} and {after}")
    return order


def _inside_character(data: bytes, offset: int) -> bool:
    """Whether byte `offset` of UTF-8 `data` falls inside a character (a continuation byte,
    0b10xxxxxx, starts there)."""
    return offset < len(data) and data[offset] & 0xC0 == 0x80


def apply_edits(code: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits given in offsets of `code`'s UTF-8 bytes. Every span must
    start and end on a character boundary: an edit that cuts a character is a ValueError, even
    where the bytes left would happen to decode, so edits always compose."""
    data = code.encode("utf-8")
    parts: list[bytes] = []
    cursor = 0
    for edit in sort_edits(edits):
        if edit.end > len(data):
            raise ValueError(f"edit {edit} reaches past the end of the text ({len(data)} bytes)")
        if _inside_character(data, edit.start) or _inside_character(data, edit.end):
            raise ValueError(f"edit {edit} cuts a UTF-8 character of the text")
        parts.append(data[cursor : edit.start])
        parts.append(edit.replacement.encode("utf-8"))
        cursor = edit.end
    parts.append(data[cursor:])
    return b"".join(parts).decode("utf-8")


def separate_tokens(code: str, edits: Sequence[Edit]) -> list[Edit]:
    """The edits (in the order given) with a separator added to a replacement wherever the
    text that ends up before a joint and the text after it would lex differently together: a
    space where two tokens would glue (`lexer.fuses`), a newline where the line so far ends in
    a `//` comment that would swallow what follows. It goes at the end of a replacement
    followed by text, at the start of one preceded by text, or is the whole of a deletion
    that brings the two together."""
    data = code.encode("utf-8")
    order = _order(edits)
    ordered = [edits[i] for i in order]
    # The output as pieces: original text between edits (edit index None) and replacements.
    pieces: list[tuple[bytes, int | None]] = []
    cursor = 0
    for index, edit in enumerate(ordered):
        pieces.append((data[cursor : edit.start], None))
        pieces.append((edit.replacement.encode("utf-8"), index))
        cursor = edit.end
    pieces.append((data[cursor:], None))
    replacements = [edit.replacement for edit in ordered]
    left: tuple[bytes, int | None] | None = None
    between: list[int] = []  # edits with an empty replacement since `left`
    line = b""  # the output's current line up to the joint
    for text, index in pieces:
        if not text:
            if index is not None:
                between.append(index)
            continue
        separator = ""
        if left is not None and (left[1] is not None or index is not None or between):
            if ends_in_line_comment(line) and not text.startswith((b"\n", b"\r")):
                separator = "\n"
            elif fuses(left[0], text):
                separator = " "
        if separator and left is not None:
            if left[1] is not None:
                replacements[left[1]] += separator
            elif index is not None:
                replacements[index] = separator + replacements[index]
            else:
                replacements[between[-1]] = separator
        joined = line + separator.encode() + text
        line = joined[joined.rfind(b"\n") + 1 :]
        left, between = (text, index), []
    result = list(edits)
    for position, i in enumerate(order):
        if replacements[position] != result[i].replacement:
            result[i] = Edit(result[i].start, result[i].end, replacements[position])
    return result
