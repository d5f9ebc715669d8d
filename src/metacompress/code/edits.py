"""Text edits and their application.

An `Edit` replaces the bytes [start, end) of the UTF-8 encoding of a text with `replacement`
(start == end inserts). Offsets are bytes because tree-sitter reports bytes; a text with
non-ASCII characters in comments or strings is edited correctly. Edits of one step never
overlap; insertions at the same offset are applied in the order given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


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
    ordered = sorted(enumerate(edits), key=lambda item: (item[1].start, item[1].end, item[0]))
    result = [edit for _, edit in ordered]
    for before, after in zip(result, result[1:], strict=False):
        if before.end > after.start or (
            before.start == after.start and before.end > before.start and after.end > after.start
        ):
            raise ValueError(f"overlapping edits: {before} and {after}")
    return result


def apply_edits(code: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits given in offsets of `code`'s UTF-8 bytes."""
    data = code.encode("utf-8")
    parts: list[bytes] = []
    cursor = 0
    for edit in sort_edits(edits):
        if edit.end > len(data):
            raise ValueError(f"edit {edit} reaches past the end of the text ({len(data)} bytes)")
        parts.append(data[cursor : edit.start])
        parts.append(edit.replacement.encode("utf-8"))
        cursor = edit.end
    parts.append(data[cursor:])
    return b"".join(parts).decode("utf-8")
