"""Raw record readers: each turns one file format into a stream of `RawRow`s.

A reader never raises for a bad row: a line that cannot be read becomes a `RawRow` with a
`problem` (reason, detail) and no fields, so the caller records it and goes on. `line` is the
1-based line of the row in a text file (for CSV, the line where the record starts) and the
1-based row number in Parquet, Arrow and Hugging Face data sets.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metacompress.data.textio import clean_text, iter_lines, open_binary, read_errors
from metacompress.errors import ConfigError

MALFORMED_JSON = "malformed JSON"
MALFORMED_CSV = "malformed CSV"
MALFORMED_ROW = "malformed row"
_CSV_FIELD_LIMIT = 1 << 28


@dataclass(frozen=True)
class RawRow:
    """One row as read: its fields, or the reason it could not be read."""

    line: int
    fields: dict[str, Any] | None
    problem: tuple[str, str] | None = None
    bad_bytes: bool = False


def _clean_fields(fields: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    bad = False
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if isinstance(value, str):
            value, replaced = clean_text(value)
            bad = bad or replaced
        out[str(key)] = value
    return out, bad


def jsonl_rows(path: Path) -> Iterator[RawRow]:
    """JSON Lines: one object per line; blank lines are not rows."""
    for number, text, bad in iter_lines(path):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            yield RawRow(number, None, (MALFORMED_JSON, str(error)), bad)
            continue
        if not isinstance(record, dict):
            kind = type(record).__name__
            yield RawRow(number, None, (MALFORMED_ROW, f"expected a JSON object, got {kind}"), bad)
            continue
        fields, replaced = _clean_fields(record)
        yield RawRow(number, fields, None, bad or replaced)


def peek_json_keys(path: Path, max_lines: int = 50) -> set[str] | None:
    """The keys of the first JSON object among the first lines of `path`, or None."""
    for number, text, _ in iter_lines(path):
        if number > max_lines:
            return None
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict):
            return set(record)
    return None


def first_char(path: Path) -> str:
    """The first non-blank character of a text file ("" when empty)."""
    for _, text, _ in iter_lines(path):
        if text.strip():
            return text.strip()[0]
    return ""


def csv_rows(path: Path, delimiter: str) -> Iterator[RawRow]:
    """CSV (or TSV) with a header row; quoted fields may span lines.

    Bytes that are not UTF-8 are kept as surrogates while parsing and replaced by U+FFFD in the
    fields of their row, which is flagged. A record with the wrong number of fields, a stray
    quote or an unterminated quoted field is reported at the line where it starts.
    """
    previous_limit = csv.field_size_limit()
    csv.field_size_limit(max(previous_limit, _CSV_FIELD_LIMIT))
    try:
        with (
            read_errors(path),
            open_binary(path) as raw,
            io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="") as f,
        ):
            reader = csv.reader(f, delimiter=delimiter, strict=True)
            header: list[str] | None = None
            consumed = 0
            while True:
                start = consumed + 1
                try:
                    record = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    consumed = reader.line_num
                    yield RawRow(start, None, (MALFORMED_CSV, str(error)))
                    continue
                consumed = reader.line_num
                if not record or (len(record) == 1 and not record[0].strip()):
                    continue
                if header is None:
                    header = [clean_text(name)[0].strip() for name in record]
                    continue
                if len(record) != len(header):
                    detail = f"expected {len(header)} fields, got {len(record)}"
                    yield RawRow(start, None, (MALFORMED_CSV, detail))
                    continue
                fields, bad = _clean_fields(dict(zip(header, record, strict=True)))
                yield RawRow(start, fields, None, bad)
    finally:
        csv.field_size_limit(previous_limit)


def _table_rows(table: Any) -> Iterator[RawRow]:
    number = 0
    for batch in table.to_batches():
        for record in batch.to_pylist():
            number += 1
            fields, bad = _clean_fields(record)
            yield RawRow(number, fields, None, bad)


def _data_files(folder: Path, suffixes: tuple[str, ...], split: str | None) -> list[Path]:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
    if split is not None:
        chosen = [p for p in files if p.name.startswith(split) or split in p.parent.parts]
        if not chosen:
            names = ", ".join(p.name for p in files) or "none"
            raise ConfigError(
                f"no {'/'.join(suffixes)} file for split {split!r} in {folder} (found: {names}); "
                f"fix: pass a split that names one of them, or no split"
            )
        files = chosen
    if not files:
        raise ConfigError(f"no {'/'.join(suffixes)} files in folder {folder}")
    return files


def parquet_rows(path: Path, split: str | None) -> Iterator[RawRow]:
    """A Parquet file, or a folder of them (a Hugging Face export: `data/test-*.parquet`)."""
    import pyarrow.parquet as pq

    files = _data_files(path, (".parquet",), split) if path.is_dir() else [path]
    offset = 0
    for file in files:
        try:
            table = pq.read_table(file)
        except Exception as error:  # pyarrow raises several types for a corrupt file
            raise ConfigError(f"cannot read Parquet file {file}: {error}") from error
        for row in _table_rows(table):
            yield RawRow(row.line + offset, row.fields, row.problem, row.bad_bytes)
        offset += table.num_rows


def _read_arrow(file: Path) -> Any:
    import pyarrow as pa
    import pyarrow.ipc as ipc

    with pa.memory_map(str(file), "r") as source:
        try:
            return ipc.open_file(source).read_all()
        except pa.ArrowInvalid:
            source.seek(0)
            return ipc.open_stream(source).read_all()


def arrow_rows(path: Path, split: str | None) -> Iterator[RawRow]:
    """An Arrow IPC file or stream (what `datasets.save_to_disk` writes), or a folder of them."""
    import pyarrow as pa

    files = _data_files(path, (".arrow", ".feather", ".ipc"), split) if path.is_dir() else [path]
    offset = 0
    for file in files:
        try:
            table = _read_arrow(file)
        except (pa.ArrowInvalid, OSError) as error:
            raise ConfigError(f"cannot read Arrow file {file}: {error}") from error
        for row in _table_rows(table):
            yield RawRow(row.line + offset, row.fields, row.problem, row.bad_bytes)
        offset += table.num_rows


def hub_rows(dataset_id: str, split: str) -> Iterator[RawRow]:
    """A data set on the Hugging Face hub, read with the optional `datasets` package."""
    try:
        import datasets
    except ImportError:
        raise ConfigError(
            f"reading {dataset_id!r} from the Hugging Face hub needs the `datasets` package, "
            "which is not installed; fix: `pip install datasets`, or download the data set and "
            "pass its Parquet/Arrow export or JSONL file instead"
        ) from None
    try:
        dataset = datasets.load_dataset(dataset_id, split=split)
    except Exception as error:  # network, unknown id, unknown split: all are config problems
        raise ConfigError(
            f"cannot load {dataset_id!r} (split {split!r}) from the Hugging Face hub: {error}"
        ) from error
    for number, record in enumerate(dataset, start=1):
        fields, bad = _clean_fields(dict(record))
        yield RawRow(number, fields, None, bad)
