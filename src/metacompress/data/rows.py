"""Turning raw rows into `Example`s: the column mapping and the policy for every bad row.

Column roles. A vulnerability row has `code`, `label` and `id`; a clone row has `code1`,
`code2`, `label`, `id` and, optionally, `id1`/`id2` (the ids of the two methods). Each role is
read from the column the caller maps it to, or else from the first of its default columns
present in the first readable row (`DEFAULT_COLUMNS`), which covers CodeXGLUE JSONL, the
Hugging Face exports and this project's synthetic files. Every column but the code and label
columns goes to `Example.meta` (so ids stay there too), with `line` and `source` (the file).

Ids. The mapped id column; for clone rows with both `id1` and `id2`, "id1-id2"; with no id column
at all, "row<line>". Ids are strings, normalised (`normalize_id`): a string is stripped, an
integer is written in decimal, and a float with an integral value is the same id as that
integer (JSON tools write 7 as 7.0, so 7 and 7.0 are one id, and the second is a duplicate).
Any other value (a fractional or non-finite float, a boolean, an object or a list) is not an
id: the row is skipped as "malformed row".

Labels. 0/1, booleans and the strings "0", "1", "true", "false" are read; a null (or empty CSV
cell) is "unlabelled" (label None); mapping `label` to None reads no label at all. Anything else
is skipped as "label out of range".

Per-row policy (reason strings are in `metacompress.data.result`):
- a role's column absent from the row: skipped, "missing field";
- a code field that is not a string: skipped, "malformed row";
- code empty or only whitespace: skipped, "empty code";
- code without both "(" and "{" (no function can lack them): skipped, "not code";
- an id seen before in the same file: the first is kept, later ones skipped, "duplicate id";
- code longer than `max_chars` characters (MAX_CODE_CHARS, 200,000, by default; the longest
  Devign function has 142,346): skipped, "code too long". This bounds what one input may cost:
  a 5 MB function took 1.2 GB to tokenize alone and 2.1 GB in a run, and every transformation of
  it ran out of time; raise `max_chars` (the data config's `max_chars`) to keep such rows;
- bytes that were not UTF-8: loaded with U+FFFD in their place, flagged
  "non-UTF-8 bytes replaced".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from metacompress.data.readers import RawRow
from metacompress.data.result import (
    BAD_FIELD,
    BAD_LABEL,
    DUPLICATE_ID,
    EMPTY_CODE,
    MISSING_FIELD,
    NON_UTF8,
    NOT_CODE,
    TOO_LONG,
    FlaggedRow,
    SkippedRow,
)
from metacompress.data.types import TASKS, Example
from metacompress.errors import ConfigError
from metacompress.registry import check_choice

#: Code longer than this many characters is skipped by default (the longest Devign function has
#: 142,346); see the module docstring.
MAX_CODE_CHARS = 200_000

DEFAULT_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "vulnerability": {
        "code": ("func", "code"),
        "label": ("target", "label"),
        "id": ("idx", "id"),
    },
    "clone": {
        "code1": ("func1", "code1"),
        "code2": ("func2", "code2"),
        "label": ("label", "target"),
        "id": ("id", "idx"),
        "id1": ("id1", "idx1"),
        "id2": ("id2", "idx2"),
    },
}
CODE_ROLES = {"vulnerability": ("code",), "clone": ("code1", "code2")}
_TRUE = {"1", "true"}
_FALSE = {"0", "false"}


def normalize_id(value: Any) -> str | None:
    """The id string of a raw id value, or None when the value cannot be an id (see the module
    docstring): "7" for 7, 7.0 and " 7 "; None for 7.5, True, {...} and [...]."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return None


class _BadLabel:
    """Marker for a label value that is neither 0/1 nor unlabelled."""


BAD = _BadLabel()


def parse_label(value: Any) -> int | None | _BadLabel:
    """0 or 1 from an int, bool, integral float or string; None for null/empty; else BAD."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value if value in (0, 1) else BAD
    if isinstance(value, float):
        return int(value) if value in (0.0, 1.0) else BAD
    if isinstance(value, str):
        text = value.strip().lower()
        if not text:
            return None
        if text in _TRUE:
            return 1
        if text in _FALSE:
            return 0
    return BAD


def code_problem(code: str, max_chars: int = MAX_CODE_CHARS) -> str | None:
    """The skip reason for a code string, or None when it is acceptable as a function."""
    if len(code) > max_chars:
        return TOO_LONG
    if not code.strip():
        return EMPTY_CODE
    if "(" not in code or "{" not in code:
        return NOT_CODE
    return None


def check_columns(task: str, columns: Mapping[str, str | None] | None) -> dict[str, str | None]:
    """Validate a role -> column mapping for `task`; unknown roles are a ConfigError."""
    check_choice("task", task, TASKS)
    given = dict(columns or {})
    allowed = DEFAULT_COLUMNS[task]
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise ConfigError(
            f"unknown column role(s) {', '.join(map(repr, unknown))} for task {task!r}; "
            f"expected some of: {', '.join(allowed)}"
        )
    for role, column in given.items():
        if column is None and role != "label":
            raise ConfigError(f"column role {role!r} needs a column name, got None")
        if column is not None and not isinstance(column, str):
            raise ConfigError(f"column for role {role!r} must be a string, got {column!r}")
    return given


def resolve_columns(
    task: str, given: Mapping[str, str | None], keys: set[str] | None
) -> dict[str, str | None]:
    """Role -> column: the caller's choice, else the first default column present in `keys`.

    Required roles (code, label) fall back to their first default name, so a file lacking it
    reports "missing field" on every row; optional roles (ids) resolve to None when absent.
    """
    present = keys or set()
    resolved: dict[str, str | None] = {}
    for role, candidates in DEFAULT_COLUMNS[task].items():
        if role in given:
            resolved[role] = given[role]
            continue
        found = next((c for c in candidates if c in present), None)
        required = role in CODE_ROLES[task] or role == "label"
        resolved[role] = found if found is not None or not required else candidates[0]
    if task == "clone" and "id" in given:
        resolved["id1"] = resolved["id2"] = None
    return resolved


class RowConverter:
    """Converts the rows of one file into examples, recording every skip and flag."""

    def __init__(
        self,
        task: str,
        columns: Mapping[str, str | None],
        source: Path | str,
        skipped: list[SkippedRow],
        flagged: list[FlaggedRow],
        max_chars: int = MAX_CODE_CHARS,
    ) -> None:
        self.task = task
        self.max_chars = max_chars
        self.columns = dict(columns)
        self.source = str(source)
        self.skipped = skipped
        self.flagged = flagged
        self._seen: dict[str, int] = {}
        roles = (*CODE_ROLES[task], "label")
        self._used = {self.columns[r] for r in roles if self.columns.get(r) is not None}

    def _skip(self, line: int, reason: str, detail: str = "") -> None:
        self.skipped.append(SkippedRow(self.source, line, reason, detail))

    def _example_id(self, fields: dict[str, Any], line: int) -> str | None:
        id1, id2 = self.columns.get("id1"), self.columns.get("id2")
        if self.task == "clone" and id1 and id2 and id1 in fields and id2 in fields:
            parts = [self._id_value(fields, column, line) for column in (id1, id2)]
            return None if None in parts else f"{parts[0]}-{parts[1]}"
        column = self.columns.get("id")
        if column is None or column not in fields:
            return f"row{line}"
        return self._id_value(fields, column, line)

    def _id_value(self, fields: dict[str, Any], column: str, line: int) -> str | None:
        """The normalised id in `column`, or None after recording why the row is skipped."""
        value = fields[column]
        if value is None or (isinstance(value, str) and not value.strip()):
            self._skip(line, MISSING_FIELD, f"{column!r} is empty")
            return None
        example_id = normalize_id(value)
        if example_id is None:
            kind = type(value).__name__
            self._skip(line, BAD_FIELD, f"{column!r} is {kind} {value!r:.60}, not an id "
                                        "(a string or an integer)")  # fmt: skip
        return example_id

    def convert(self, row: RawRow) -> Example | None:
        """The example of `row`, or None after recording why it was skipped."""
        if row.fields is None:
            reason, detail = row.problem or (BAD_FIELD, "")
            self._skip(row.line, reason, detail)
            return None
        fields = row.fields
        codes: list[str] = []
        for role in CODE_ROLES[self.task]:
            column = str(self.columns[role])
            if column not in fields:
                self._skip(row.line, MISSING_FIELD, f"no {column!r}")
                return None
            value = fields[column]
            if not isinstance(value, str):
                kind = type(value).__name__
                self._skip(row.line, BAD_FIELD, f"{column!r} is {kind}, expected a string")
                return None
            problem = code_problem(value, self.max_chars)
            if problem is not None:
                size = f": {len(value)} characters > {self.max_chars}" if problem == TOO_LONG else ""
                self._skip(row.line, problem, f"in {column!r}{size}")
                return None
            codes.append(value)
        label_column = self.columns.get("label")
        label: int | None = None
        if label_column is not None:
            if label_column not in fields:
                self._skip(row.line, MISSING_FIELD, f"no {label_column!r}")
                return None
            parsed = parse_label(fields[label_column])
            if isinstance(parsed, _BadLabel):
                self._skip(row.line, BAD_LABEL, f"{label_column!r} is {fields[label_column]!r}")
                return None
            label = parsed
        example_id = self._example_id(fields, row.line)
        if example_id is None:
            return None
        if example_id in self._seen:
            self._skip(
                row.line, DUPLICATE_ID, f"{example_id!r} first at line {self._seen[example_id]}"
            )
            return None
        self._seen[example_id] = row.line
        flags = self._flags(row, example_id)
        meta: dict[str, Any] = {k: v for k, v in fields.items() if k not in self._used}
        meta.update(line=row.line, source=self.source)
        if flags:
            meta["flags"] = flags
        return Example(id=example_id, inputs=tuple(codes), label=label, meta=meta)

    def _flags(self, row: RawRow, example_id: str) -> list[str]:
        flags: list[str] = []
        if row.bad_bytes:
            flags.append(NON_UTF8)
            self.flagged.append(FlaggedRow(self.source, row.line, example_id, NON_UTF8))
        return flags
