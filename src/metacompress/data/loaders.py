"""One entry point for every data set: `load_examples(source, task, ...) -> LoadResult`.

Formats (`format=`):
- `devign`: CodeXGLUE Defect-detection JSON Lines (`func`, `target`, `idx`, `project`,
  `commit_id`); also the files `metacompress data synth --task vulnerability` writes.
- `bigclonebench`: CodeXGLUE BigCloneBench; `source` is `data.jsonl` and `pairs` a pair file
  (`train.txt`, `test.txt`, ...), see `metacompress.data.bigclonebench`.
- `jsonl`, `csv` (`.tsv` is tab-separated): generic rows with a column mapping (`columns`, see
  `metacompress.data.rows`); the defaults read CodeXGLUE and Hugging Face field names, so the
  clone files of `metacompress data synth --task clone` (`func1`, `func2`, `label`, `id`) need
  no mapping.
- `parquet`, `arrow`: local exports of the Hugging Face data sets (a file, or a folder such as
  the `data/` of the hub repository or a `save_to_disk` folder; `split` picks the files whose
  name starts with it or that lie in a folder of that name).
- `synth`: the built-in synthetic benchmark (`metacompress.data.synth`): `n` examples
  generated from the seed, no source.
- `hf`: a Hugging Face hub id, e.g. `google/code_x_glue_cc_defect_detection` or
  `google/code_x_glue_cc_clone_detection_big_clone_bench`, loaded with the optional `datasets`
  package (`split` defaults to "test").

Each format is a loader registered in `metacompress.data.formats.DATA_FORMATS`; a new format
is a registered function in any module of `metacompress.data`.

`auto` decides by the file name (a `.gz`, `.xz` or `.bz2` suffix is read through) and, for JSON
Lines, by the fields of the first row; a `pairs` file means `bigclonebench`; a name that is not
a file but looks like `owner/name` is a hub id. Compressed files are read directly.

A missing file or an unknown format is a ConfigError naming the file and the fix. Bad rows are
never fatal: each is recorded in `LoadResult.skipped` (file, line, reason) or, when it loads
with a caveat, in `LoadResult.flagged`; the policy for each case is in `metacompress.data.rows`,
`metacompress.data.textio` and `metacompress.data.bigclonebench`. With `limit`, a seeded
stratified sample is returned (`metacompress.data.sampling`).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from metacompress.data.bigclonebench import load_pairs
from metacompress.data.formats import DATA_FORMATS, DataRequest, data_format
from metacompress.data.readers import (
    RawRow,
    arrow_rows,
    csv_rows,
    first_char,
    hub_rows,
    jsonl_rows,
    parquet_rows,
    peek_json_keys,
)
from metacompress.data.result import FlaggedRow, LoadResult, SkippedRow
from metacompress.data.rows import MAX_CODE_CHARS, RowConverter, check_columns, resolve_columns
from metacompress.data.sampling import check_limit, stratified_sample
from metacompress.data.textio import inner_suffix
from metacompress.data.types import TASKS, Example
from metacompress.errors import ConfigError
from metacompress.paths import path_problem
from metacompress.registry import check_choice, check_range

__all__ = ["FlaggedRow", "LoadResult", "SkippedRow", "detect_format", "load_examples"]

AUTO = "auto"
JSON_SUFFIXES = (".jsonl", ".json", ".ndjson")
CSV_SUFFIXES = {".csv": ",", ".tsv": "\t"}
ARROW_SUFFIXES = (".arrow", ".feather", ".ipc")
KNOWN_SUFFIXES = (*JSON_SUFFIXES, *CSV_SUFFIXES, ".parquet", *ARROW_SUFFIXES, ".txt")
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
DEFAULT_HUB_SPLIT = "test"


def _looks_like_hub_id(source: str) -> bool:
    return bool(_HUB_ID.match(source)) and inner_suffix(Path(source)) not in KNOWN_SUFFIXES


def _missing(path: Path, what: str = "data") -> ConfigError:
    """The error for a path that cannot be used, saying why (`metacompress.paths`)."""
    problem = path_problem(path) or "not found"
    if problem != "not found":
        return ConfigError(f"{what} file {path} cannot be read: {problem}; fix: check the path")
    hub = (", or give a Hugging Face hub id such as google/code_x_glue_cc_defect_detection"
           if what == "data" else "")  # fmt: skip
    return ConfigError(
        f"{what} file not found: {path} (resolved from {os.getcwd()}); fix: check the path{hub}"
    )


def _unknown_format(path: Path, why: str) -> ConfigError:
    return ConfigError(
        f"cannot tell the format of {path}: {why}; fix: use a file ending in "
        ".jsonl, .csv, .tsv, .parquet or .arrow (optionally .gz/.xz/.bz2), or pass "
        f"format= (--format) one of {', '.join(DATA_FORMATS.names())}"
    )


def detect_format(source: str | os.PathLike[str] | None, task: str, pairs: object = None) -> str:
    """The format `auto` resolves to for `source` (see the module docstring)."""
    if pairs is not None:
        return "bigclonebench"
    if source is None:
        raise ConfigError("no data source given; fix: pass a file, folder or hub id, or a format")
    path = Path(source)
    if not path.exists():
        if _looks_like_hub_id(str(source)):
            return "hf"
        raise _missing(path)
    if path.is_dir():
        files = [p.suffix.lower() for p in path.rglob("*") if p.is_file()]
        if ".parquet" in files:
            return "parquet"
        if any(s in ARROW_SUFFIXES for s in files):
            return "arrow"
        raise _unknown_format(path, "a folder without .parquet or .arrow files")
    suffix = inner_suffix(path)
    if suffix in JSON_SUFFIXES:
        return _detect_json(path, task)
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix == ".parquet":
        return "parquet"
    if suffix in ARROW_SUFFIXES:
        return "arrow"
    if suffix == ".txt" and task == "clone":
        raise ConfigError(
            f"{path} looks like a BigCloneBench pair file; fix: pass the function file "
            "(data.jsonl) as the source and this file as pairs (--pairs)"
        )
    raise _unknown_format(path, f"unknown suffix {suffix or '(none)'!r}")


def _detect_json(path: Path, task: str) -> str:
    if first_char(path) == "[":
        raise ConfigError(
            f"{path} is a JSON array, not JSON Lines; fix: write one JSON object per line"
        )
    keys = peek_json_keys(path) or set()
    if task == "clone" and {"func", "idx"} <= keys and "func1" not in keys:
        raise ConfigError(
            f"{path} looks like a BigCloneBench function file (func, idx); fix: pass a pair "
            "file such as test.txt as pairs (--pairs)"
        )
    if task == "vulnerability" and {"func", "target"} <= keys:
        return "devign"
    return "jsonl"


def _resolve_path(source: str | os.PathLike[str] | None, what: str) -> Path:
    path = Path(source if source is not None else "")
    if source is None or not path.exists():
        raise _missing(path, "data" if what == "source" else what)
    return path


def _file_rows(request: DataRequest, fmt: str) -> tuple[Path, None]:
    """The source file of a one-file format, refusing a split (it has none)."""
    path = _resolve_path(request.source, "source")
    if request.split is not None:
        raise ConfigError(
            f"split={request.split!r} applies to hub ids and Parquet/Arrow folders, but {path} "
            f"is a {fmt} file; fix: drop the split or point at the split's own file"
        )
    return path, None


def _convert(request: DataRequest, fmt: str, rows: Iterator[RawRow]) -> list[Example]:
    """The examples of `rows`, columns resolved from the first readable row."""
    given = check_columns(request.task, request.columns)
    keys, head = _first_keys(rows)
    resolved = resolve_columns(request.task, given, keys)
    name = f"hf:{request.source}" if fmt == "hf" else str(request.source)
    converter = RowConverter(request.task, resolved, name, request.skipped, request.flagged,
                             request.max_chars)  # fmt: skip
    return [e for e in map(converter.convert, itertools.chain(head, rows)) if e is not None]


def _first_keys(rows: Iterator[RawRow]) -> tuple[set[str] | None, list[RawRow]]:
    """Read rows until the first readable one; return its keys and the rows read so far."""
    buffered: list[RawRow] = []
    for row in rows:
        buffered.append(row)
        if row.fields is not None:
            return set(row.fields), buffered
    return None, buffered


@data_format("devign", "CodeXGLUE Defect-detection JSON Lines (func, target, idx, project)")
def load_devign(request: DataRequest) -> list[Example]:
    if request.task != "vulnerability":
        raise ConfigError(f"the devign format holds vulnerability data, not task {request.task!r}")
    path, _ = _file_rows(request, "devign")
    return _convert(request, "devign", jsonl_rows(path))


@data_format("jsonl", "JSON Lines with a column mapping (CodeXGLUE and Hugging Face names)")
def load_jsonl(request: DataRequest) -> list[Example]:
    path, _ = _file_rows(request, "jsonl")
    return _convert(request, "jsonl", jsonl_rows(path))


@data_format("csv", "CSV (or .tsv: tab-separated) with a column mapping")
def load_csv(request: DataRequest) -> list[Example]:
    path, _ = _file_rows(request, "csv")
    return _convert(request, "csv", csv_rows(path, CSV_SUFFIXES.get(inner_suffix(path), ",")))


@data_format("parquet", "a Parquet file or folder (a Hugging Face export); split picks files")
def load_parquet(request: DataRequest) -> list[Example]:
    path = _resolve_path(request.source, "source")
    return _convert(request, "parquet", parquet_rows(path, request.split))


@data_format("arrow", "an Arrow file or save_to_disk folder; split picks files")
def load_arrow(request: DataRequest) -> list[Example]:
    path = _resolve_path(request.source, "source")
    return _convert(request, "arrow", arrow_rows(path, request.split))


@data_format("hf", "a Hugging Face hub data set by id (the optional datasets package)")
def load_hub(request: DataRequest) -> list[Example]:
    rows = hub_rows(str(request.source), request.split or DEFAULT_HUB_SPLIT)
    return _convert(request, "hf", rows)


@data_format("bigclonebench", "CodeXGLUE BigCloneBench: a function file and a pair file")
def load_bigclonebench(request: DataRequest) -> list[Example]:
    if request.task != "clone":
        raise ConfigError(f"the bigclonebench format holds clone data, not task {request.task!r}")
    if request.pairs is None:
        raise ConfigError(
            f"BigCloneBench needs a pair file besides {request.source}; fix: pass pairs= "
            "(--pairs), e.g. test.txt next to data.jsonl"
        )
    if request.split is not None:
        raise ConfigError(
            f"split={request.split!r} does not apply to BigCloneBench; fix: choose the pair "
            "file instead"
        )
    data = _resolve_path(request.source, "source")
    pair_path = _resolve_path(request.pairs, "pairs")
    return load_pairs(data, pair_path, request.columns, request.skipped, request.flagged,
                      request.max_chars)  # fmt: skip


@data_format("synth", "the built-in synthetic benchmark, n examples generated from the seed")
def load_synth(request: DataRequest) -> list[Example]:
    from metacompress.data.synth import generate

    if request.n is None:
        raise ConfigError("the synth format needs n (how many examples to generate)")
    return list(generate(request.task, request.n, request.seed))


def load_examples(
    source: str | os.PathLike[str] | None,
    task: str,
    *,
    format: str = AUTO,
    limit: int | None = None,
    seed: int = 0,
    columns: Mapping[str, str | None] | None = None,
    pairs: str | os.PathLike[str] | None = None,
    split: str | None = None,
    n: int | None = None,
    max_chars: int = MAX_CODE_CHARS,
) -> LoadResult:
    """Load the examples of `task` ("vulnerability" or "clone") from `source`.

    `format` is a registered data format (`metacompress.data.formats`) or "auto"; `columns`
    maps roles to column names (`metacompress.data.rows`); `pairs` is the BigCloneBench pair
    file; `split` picks a hub split or the files of one split in a folder; `n` is how many
    examples a generated format makes (from `seed`); `limit` keeps a stratified sample of that
    size, drawn with `seed` (all examples in file order when `limit` >= their number); a row
    whose code is longer than `max_chars` characters is skipped ("code too long",
    `metacompress.data.rows`).
    """
    check_range("max_chars", max_chars, 1)
    check_choice("task", task, TASKS)
    if format != AUTO:
        DATA_FORMATS.get(format)
    check_limit(limit)
    fmt = detect_format(source, task, pairs) if format == AUTO else format
    if pairs is not None and fmt != "bigclonebench":
        raise ConfigError(f"pairs= is only read by the bigclonebench format, not {fmt!r}")
    request = DataRequest(source, task, columns, pairs, split, n, seed, max_chars)
    examples = DATA_FORMATS.get(fmt)(request)
    sample = stratified_sample(examples, limit, seed)
    return LoadResult(sample, request.skipped, request.flagged, format=fmt,
                      n_valid=len(examples))  # fmt: skip
