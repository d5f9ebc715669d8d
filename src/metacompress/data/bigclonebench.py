"""CodeXGLUE BigCloneBench: a function file (`data.jsonl`, fields `func`, `idx`) and pair files.

A pair line is `idx1<TAB>idx2<TAB>label` (any whitespace separates; a line with two fields is an
unlabelled pair). The example id is "idx1-idx2", its inputs the two functions.

Policy: the function file is checked like any vulnerability-style row (empty code, not code,
duplicate idx, flags). A pair line with the wrong number of fields is "malformed pair line"; a
pair naming an idx absent from the function file is "pair names a missing id"; one naming a
function that was itself skipped is "pair names a skipped function" (with that function's
reason); a repeated pair is "duplicate id" (the first is kept). A pair inherits the flags of its
functions in `Example.meta["flags"]`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from metacompress.data.readers import jsonl_rows
from metacompress.data.result import (
    BAD_LABEL,
    DUPLICATE_ID,
    MALFORMED_PAIR,
    MISSING_PAIR_ID,
    SKIPPED_PAIR_ID,
    FlaggedRow,
    SkippedRow,
)
from metacompress.data.rows import MAX_CODE_CHARS, RowConverter, normalize_id, parse_label
from metacompress.data.textio import iter_lines
from metacompress.data.types import Example
from metacompress.errors import ConfigError

FUNCTION_ROLES = ("code", "id")


def check_function_columns(columns: Mapping[str, str | None] | None) -> dict[str, str]:
    """Role -> column of the function file (roles `code`, `id`; defaults `func`, `idx`)."""
    given = dict(columns or {})
    unknown = sorted(set(given) - set(FUNCTION_ROLES))
    if unknown:
        raise ConfigError(
            f"unknown column role(s) {', '.join(map(repr, unknown))} for a BigCloneBench "
            f"function file; expected some of: {', '.join(FUNCTION_ROLES)}"
        )
    bad = {role: c for role, c in given.items() if not isinstance(c, str)}
    if bad:
        raise ConfigError(f"column names must be strings, got {bad!r}")
    return {"code": given.get("code", "func"), "id": given.get("id", "idx")}


def load_functions(
    data: Path,
    columns: Mapping[str, str],
    skipped: list[SkippedRow],
    flagged: list[FlaggedRow],
    max_chars: int = MAX_CODE_CHARS,
) -> tuple[dict[str, Example], dict[str, SkippedRow]]:
    """idx -> single-input Example of every valid function, and idx -> skip of the others."""
    local: list[SkippedRow] = []
    mapping = {"code": columns["code"], "label": None, "id": columns["id"]}
    converter = RowConverter("vulnerability", mapping, data, local, flagged, max_chars)
    functions: dict[str, Example] = {}
    rejected: dict[str, SkippedRow] = {}
    for row in jsonl_rows(data):
        before = len(local)
        example = converter.convert(row)
        if example is not None:
            functions[example.id] = example
        elif row.fields is not None and len(local) > before:
            idx = normalize_id(row.fields.get(columns["id"]))
            if idx is not None and idx not in functions:
                rejected.setdefault(idx, local[-1])
    skipped.extend(local)
    return functions, rejected


def load_pairs(
    data: Path,
    pairs: Path,
    columns: Mapping[str, str | None] | None,
    skipped: list[SkippedRow],
    flagged: list[FlaggedRow],
    max_chars: int = MAX_CODE_CHARS,
) -> list[Example]:
    """The labelled pairs of `pairs`, resolved against the functions of `data`, in file order."""
    columns = check_function_columns(columns)
    functions, rejected = load_functions(data, columns, skipped, flagged, max_chars)
    source = str(pairs)
    seen: dict[str, int] = {}
    examples: list[Example] = []
    for number, text, _ in iter_lines(pairs):
        parts = text.split()
        if not parts:
            continue
        if len(parts) not in (2, 3):
            detail = f"expected 'idx1<TAB>idx2<TAB>label', got {len(parts)} field(s)"
            skipped.append(SkippedRow(source, number, MALFORMED_PAIR, detail))
            continue
        label = parse_label(parts[2]) if len(parts) == 3 else None
        if label is not None and not isinstance(label, int):
            skipped.append(SkippedRow(source, number, BAD_LABEL, f"label is {parts[2]!r}"))
            continue
        problem = _unresolved(parts[0], parts[1], functions, rejected, data)
        if problem is not None:
            skipped.append(SkippedRow(source, number, *problem))
            continue
        pair_id = f"{parts[0]}-{parts[1]}"
        if pair_id in seen:
            detail = f"{pair_id!r} first at line {seen[pair_id]}"
            skipped.append(SkippedRow(source, number, DUPLICATE_ID, detail))
            continue
        seen[pair_id] = number
        first, second = functions[parts[0]], functions[parts[1]]
        meta: dict[str, object] = {
            "idx1": parts[0],
            "idx2": parts[1],
            "line": number,
            "source": source,
        }
        flags = sorted(set(first.meta.get("flags", [])) | set(second.meta.get("flags", [])))
        if flags:
            meta["flags"] = flags
        examples.append(Example(pair_id, (first.inputs[0], second.inputs[0]), label, meta))
    return examples


def _unresolved(
    idx1: str,
    idx2: str,
    functions: dict[str, Example],
    rejected: dict[str, SkippedRow],
    data: Path,
) -> tuple[str, str] | None:
    for idx in (idx1, idx2):
        if idx in functions:
            continue
        if idx in rejected:
            why = rejected[idx]
            return SKIPPED_PAIR_ID, f"{idx} ({why.reason} at {data.name}:{why.line})"
        return MISSING_PAIR_ID, f"{idx} is not in {data.name}"
    return None
