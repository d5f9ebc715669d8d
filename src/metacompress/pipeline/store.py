"""The run directory and its SQLite store: every result of a run, committed in chunks.

Run directory layout (stable; `metacompress.report` reads it)::

    RUN_DIR/
      config.yaml          the resolved config: every default filled in, every path absolute;
                           written before any work starts, compared on --resume
      run.sqlite           every table below (SQLite, WAL journal); the source of truth
      cache/predictions.sqlite
                           the model layer's content-addressed prediction cache (model
                           fingerprint x exact input); attacks and inference share it
      tables/TABLE.parquet, tables/TABLE.csv
                           deterministic exports of the per-example tables (EXPORTS below),
                           rows sorted by their key; byte-identical for the same config and seed
      summary.json         written last, atomically: provenance (versions, seed, git commit,
                           host, timings, weight checksums), counts, results, gates
      report.*             written by `metacompress.report.write_reports` when it is installed

summary.json (strict JSON, NaN written as null) holds: ``metacompress`` (version),
``format_version``, ``config`` (file name), ``config_sha256``, ``task``, ``lang``, ``seed``,
``resumed`` (this invocation continued an earlier one), ``provenance`` {versions, git_commit,
host, started}, ``models`` {teacher, student: {spec, fingerprint, description (the model's
`describe()`), weights_sha256 (None when the model does not expose one)}}, ``cache`` {model:
{queries, hits, misses} of this invocation}, ``timings`` {stage: seconds of this invocation,
total}, ``counts`` {examples, data, unique_inputs, variants {followup: {status: n}}, outputs
{model: {status: n, truncated}}, errors {"STAGE:KIND": n}, attacks {followup: {status: n}}},
``results`` {rates, scores, mcnemar (rows of those tables as objects), set_level, gaps
{accuracy_gap {value, low, high}, f1_gap, teacher_f1, student_f1, source and followups {n,
left_out, teacher_accuracy, student_accuracy, mcnemar {teacher_only, student_only, p_value}},
behaviour_gap {relation: {rate, low, high, applicable}}}}, ``gates`` (each {name, relation,
followup, kind, threshold, value, limit, passed, message}; passed iff value <= limit, value the
violation rate), ``passed``, ``tables`` {sqlite, exports}, and ``report_error`` when the reports
could not be written.

Tables of run.sqlite (SQL types; JSON columns hold UTF-8 JSON text):

- ``meta(key TEXT PK, value TEXT)``: ``format_version``, ``config_sha256`` (the config's
  `RunConfig.result_hash`), ``fingerprint:teacher`` / ``fingerprint:student``, ``data`` (JSON:
  loader format, valid rows, skipped and flagged counts per reason), and ``done:STAGE`` = '1'
  for each finished stage: ``load``, ``variants:FOLLOWUP`` (attacks included),
  ``inference:MODEL``, ``relations:FOLLOWUP`` (``source`` and each follow-up), ``relations:all``
  (set-level relations on the pooled follow-ups), ``aggregate``.
- ``examples(example_id TEXT PK, position INTEGER, label INTEGER NULL, inputs JSON list of code
  strings, meta JSON)``: the loaded examples in data order.
- ``followups(name TEXT PK, position INTEGER, kind TEXT, victim TEXT NULL, spec JSON)``: kind is
  ``source`` (the unmodified input, always present, name ``source``), ``transform`` or
  ``attack``; victim is ``teacher``/``student`` for attacks (the model the attack searched
  against; the adversarial input is then scored by both models, so the other model's output is
  the transferred one).
- ``relations(relation TEXT PK, position INTEGER, name TEXT, params JSON)``: ``relation`` is the
  id used in every other table (the registry name unless the config gives ``id``), ``name`` the
  registry name and ``params`` its constructor parameters, so
  ``RELATIONS.create(name, **params).holds_at(score, t)`` recomputes verdicts at threshold t.
- ``variants(variant_id TEXT PK, example_id TEXT, followup TEXT, status TEXT, reason TEXT,
  seed INTEGER, steps JSON, edits JSON, inputs JSON NULL, input_key TEXT NULL)``: one row
  per (example, follow-up) unit of work; ``variant_id = EXAMPLE_ID/FOLLOWUP``; status is
  ``ok`` (inputs made), ``not-applicable`` (the transformation does not apply, or the attack
  failed or skipped the example; reason says why), ``error`` (the transformation or attack
  raised; reason holds the exception) or ``timeout`` (exceeded the per-input time limit).
  ``inputs`` is the follow-up's JSON list of code strings (the example's own inputs for
  ``source``); ``steps[j]`` lists the step names applied to input j and ``edits[j][s]`` the
  edits ``{start, end, replacement}`` of step s to input j, in byte offsets of that step's input
  text (input j of the source for step 0; an attack has one step with all its edits); both are
  ``[]`` per untouched input. ``seed`` is the unit's seed; ``input_key`` is
  `input_key(inputs)`, the key of ``outputs``.
- ``outputs(model TEXT, input_key TEXT, p_negative REAL NULL, p_positive REAL NULL,
  predicted INTEGER NULL, truncated INTEGER NULL, hidden BLOB NULL, status TEXT, reason TEXT,
  visible_chars JSON NULL, PK(model, input_key))``: one row per model (``teacher``/``student``)
  and unique input; status
  ``ok`` or ``error`` (reason holds the exception); the two class probabilities exactly as the
  model returned them; predicted = argmax with ties to class 0 (`stats.metrics`), i.e. 1 iff
  p_positive > p_negative; truncated is 1/0, NULL when the model does not say; hidden is the
  pooled representation as little-endian float32 (only when a relation needs it);
  visible_chars lists, per input, how many leading characters the model saw (NULL when the
  model has no window): an edit starting at or after that character is invisible to it.
- ``verdicts(variant_id TEXT, relation TEXT, example_id TEXT, followup TEXT, applicable INTEGER,
  holds INTEGER, score REAL NULL, reason TEXT, details JSON, PK(variant_id, relation))``: one
  row per input-level relation and evaluated (source, follow-up) pair; a pair the relation does
  not apply to has applicable = 0, holds = 1 (vacuous), score NULL and the reason; a violation
  is applicable = 1 and holds = 0; details holds the relation's extra per-pair numbers.
- ``set_level(relation TEXT, followup TEXT, key TEXT, value REAL NULL, PK(relation, followup,
  key))``: the data-set level numbers a relation reports on a follow-up set (e.g. the ECE
  difference, flip rates); a set-level relation (e.g. representation drift) has its verdict
  here (keys ``applicable``, ``score``, ``holds``) and no ``verdicts`` rows; followup ``all``
  holds the set-level relations judged on every follow-up pooled. NaN is stored as NULL.
- ``rates(relation TEXT, followup TEXT, pair TEXT, applicable INTEGER, violations INTEGER,
  rate REAL NULL, low REAL NULL, high REAL NULL, PK(relation, followup, pair))``: violation
  rate (violations / applicable, NULL when nothing applies) with its bootstrap interval (the
  config's confidence, 95 % by default; clustered by example; NULL for set-level relations);
  followup ``all`` pools every follow-up but ``source``; pair is ``teacher/student``.
- ``scores(model TEXT, followup TEXT, n INTEGER, labelled INTEGER, accuracy REAL NULL,
  f1 REAL NULL, PK(model, followup))``: accuracy and F1 of each model on each follow-up set
  (``source`` = clean scores; ``all`` pools every follow-up but ``source``).
- ``mcnemar(followup TEXT PK, n INTEGER, teacher_only INTEGER, student_only INTEGER,
  statistic REAL NULL, p_value REAL NULL)``: exact McNemar test of teacher vs student
  correctness on the labelled inputs of one follow-up set (teacher_only = teacher right and
  student wrong); p_value = 1 with no discordant pair.
- ``errors(stage TEXT, example_id TEXT, followup TEXT, model TEXT, kind TEXT, reason TEXT,
  PK(stage, example_id, followup, model))``: every input that was skipped or failed, with why;
  stage is ``data`` (example_id = FILE:LINE of the bad row), ``variants``, ``attack``,
  ``inference`` or ``relations``; ``''`` where a column does not apply.
- ``attack_results(example_id TEXT, followup TEXT, victim TEXT, status TEXT, reason TEXT,
  queries INTEGER, identifiers_changed INTEGER, original_p_positive REAL NULL,
  final_p_positive REAL NULL, PK(example_id, followup))``.

Every write goes through `RunStore.transaction()`; a stage commits one chunk per transaction, so
a crash loses at most the chunk in flight, and `--resume` skips every committed unit.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import hashlib
import itertools
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metacompress.errors import ConfigError

FORMAT_VERSION = "1"
DB_NAME = "run.sqlite"
CONFIG_NAME = "config.yaml"
SUMMARY_NAME = "summary.json"
TABLES_DIR = "tables"
CACHE_PATH = Path("cache") / "predictions.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS examples (
  example_id TEXT PRIMARY KEY, position INTEGER NOT NULL, label INTEGER,
  inputs TEXT NOT NULL, meta TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS followups (
  name TEXT PRIMARY KEY, position INTEGER NOT NULL, kind TEXT NOT NULL, victim TEXT,
  spec TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS relations (
  relation TEXT PRIMARY KEY, position INTEGER NOT NULL, name TEXT NOT NULL,
  params TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS variants (
  variant_id TEXT PRIMARY KEY, example_id TEXT NOT NULL, followup TEXT NOT NULL,
  status TEXT NOT NULL, reason TEXT NOT NULL, seed INTEGER, steps TEXT NOT NULL,
  edits TEXT NOT NULL, inputs TEXT, input_key TEXT);
CREATE INDEX IF NOT EXISTS variants_by_followup ON variants (followup, example_id);
CREATE TABLE IF NOT EXISTS outputs (
  model TEXT NOT NULL, input_key TEXT NOT NULL, p_negative REAL, p_positive REAL,
  predicted INTEGER, truncated INTEGER, hidden BLOB, status TEXT NOT NULL, reason TEXT NOT NULL,
  visible_chars TEXT, PRIMARY KEY (model, input_key));
CREATE TABLE IF NOT EXISTS verdicts (
  variant_id TEXT NOT NULL, relation TEXT NOT NULL, example_id TEXT NOT NULL,
  followup TEXT NOT NULL, applicable INTEGER NOT NULL, holds INTEGER NOT NULL, score REAL,
  reason TEXT NOT NULL, details TEXT NOT NULL, PRIMARY KEY (variant_id, relation));
CREATE INDEX IF NOT EXISTS verdicts_by_relation ON verdicts (relation, followup);
CREATE TABLE IF NOT EXISTS set_level (
  relation TEXT NOT NULL, followup TEXT NOT NULL, key TEXT NOT NULL, value REAL,
  PRIMARY KEY (relation, followup, key));
CREATE TABLE IF NOT EXISTS rates (
  relation TEXT NOT NULL, followup TEXT NOT NULL, pair TEXT NOT NULL,
  applicable INTEGER NOT NULL, violations INTEGER NOT NULL, rate REAL, low REAL, high REAL,
  PRIMARY KEY (relation, followup, pair));
CREATE TABLE IF NOT EXISTS scores (
  model TEXT NOT NULL, followup TEXT NOT NULL, n INTEGER NOT NULL, labelled INTEGER NOT NULL,
  accuracy REAL, f1 REAL, PRIMARY KEY (model, followup));
CREATE TABLE IF NOT EXISTS mcnemar (
  followup TEXT PRIMARY KEY, n INTEGER NOT NULL, teacher_only INTEGER NOT NULL,
  student_only INTEGER NOT NULL, statistic REAL, p_value REAL);
CREATE TABLE IF NOT EXISTS errors (
  stage TEXT NOT NULL, example_id TEXT NOT NULL, followup TEXT NOT NULL, model TEXT NOT NULL,
  kind TEXT NOT NULL, reason TEXT NOT NULL,
  PRIMARY KEY (stage, example_id, followup, model));
CREATE TABLE IF NOT EXISTS attack_results (
  example_id TEXT NOT NULL, followup TEXT NOT NULL, victim TEXT NOT NULL, status TEXT NOT NULL,
  reason TEXT NOT NULL, queries INTEGER NOT NULL, identifiers_changed INTEGER NOT NULL,
  original_p_positive REAL, final_p_positive REAL, PRIMARY KEY (example_id, followup));
"""


@dataclass(frozen=True)
class Export:
    """One exported table: its query (rows in key order) and its Arrow column types."""

    name: str
    sql: str
    columns: tuple[tuple[str, str], ...]  # (column, "string" | "int64" | "float64")


EXPORTS: tuple[Export, ...] = (
    Export(
        "examples",
        "SELECT example_id, position, label, inputs FROM examples ORDER BY position",
        (("example_id", "string"), ("position", "int64"), ("label", "int64"), ("inputs", "string")),
    ),
    Export(
        "variants",
        "SELECT v.variant_id, v.example_id, v.followup, f.kind, f.victim, v.status, v.reason,"
        " v.seed, v.steps, v.edits, v.inputs FROM variants v JOIN followups f"
        " ON f.name = v.followup ORDER BY v.variant_id",
        (
            ("variant_id", "string"),
            ("example_id", "string"),
            ("followup", "string"),
            ("kind", "string"),
            ("victim", "string"),
            ("status", "string"),
            ("reason", "string"),
            ("seed", "int64"),
            ("steps", "string"),
            ("edits", "string"),
            ("inputs", "string"),
        ),
    ),
    Export(
        "predictions",
        "SELECT v.variant_id, v.example_id, v.followup, o.model, o.p_negative, o.p_positive,"
        " o.predicted, o.truncated, o.visible_chars, o.status, o.reason FROM variants v"
        " JOIN outputs o"
        " ON o.input_key = v.input_key WHERE v.status = 'ok' ORDER BY v.variant_id, o.model",
        (
            ("variant_id", "string"),
            ("example_id", "string"),
            ("followup", "string"),
            ("model", "string"),
            ("p_negative", "float64"),
            ("p_positive", "float64"),
            ("predicted", "int64"),
            ("truncated", "int64"),
            ("visible_chars", "string"),
            ("status", "string"),
            ("reason", "string"),
        ),
    ),
    Export(
        "verdicts",
        "SELECT variant_id, example_id, followup, relation, applicable, holds, score, reason,"
        " details FROM verdicts ORDER BY variant_id, relation",
        (
            ("variant_id", "string"),
            ("example_id", "string"),
            ("followup", "string"),
            ("relation", "string"),
            ("applicable", "int64"),
            ("holds", "int64"),
            ("score", "float64"),
            ("reason", "string"),
            ("details", "string"),
        ),
    ),
    Export(
        "errors",
        "SELECT stage, example_id, followup, model, kind, reason FROM errors"
        " ORDER BY stage, example_id, followup, model",
        (
            ("stage", "string"),
            ("example_id", "string"),
            ("followup", "string"),
            ("model", "string"),
            ("kind", "string"),
            ("reason", "string"),
        ),
    ),
    Export(
        "attack_results",
        "SELECT example_id, followup, victim, status, reason, queries, identifiers_changed,"
        " original_p_positive, final_p_positive FROM attack_results ORDER BY example_id, followup",
        (
            ("example_id", "string"),
            ("followup", "string"),
            ("victim", "string"),
            ("status", "string"),
            ("reason", "string"),
            ("queries", "int64"),
            ("identifiers_changed", "int64"),
            ("original_p_positive", "float64"),
            ("final_p_positive", "float64"),
        ),
    ),
    Export(
        "rates",
        "SELECT relation, followup, pair, applicable, violations, rate, low, high FROM rates"
        " ORDER BY relation, followup, pair",
        (
            ("relation", "string"),
            ("followup", "string"),
            ("pair", "string"),
            ("applicable", "int64"),
            ("violations", "int64"),
            ("rate", "float64"),
            ("low", "float64"),
            ("high", "float64"),
        ),
    ),
    Export(
        "scores",
        "SELECT model, followup, n, labelled, accuracy, f1 FROM scores ORDER BY model, followup",
        (
            ("model", "string"),
            ("followup", "string"),
            ("n", "int64"),
            ("labelled", "int64"),
            ("accuracy", "float64"),
            ("f1", "float64"),
        ),
    ),
    Export(
        "mcnemar",
        "SELECT followup, n, teacher_only, student_only, statistic, p_value FROM mcnemar"
        " ORDER BY followup",
        (
            ("followup", "string"),
            ("n", "int64"),
            ("teacher_only", "int64"),
            ("student_only", "int64"),
            ("statistic", "float64"),
            ("p_value", "float64"),
        ),
    ),
)


def input_key(inputs: Sequence[str]) -> str:
    """Content key of one input tuple: sha256 of its JSON list (UTF-8, no escaping)."""
    text = json.dumps(list(inputs), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def dumps(value: Any) -> str:
    """Canonical JSON text for JSON columns (sorted keys, no whitespace, UTF-8)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_STORAGE_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT}
_STORAGE_MESSAGES = ("full", "readonly", "read-only", "unable to open", "disk i/o")


class StorageError(ConfigError):
    """The run directory cannot be written (full, read-only, not permitted)."""


@contextlib.contextmanager
def storage_guard(path: Path) -> Iterator[None]:
    """Turn 'disk full', 'read-only' and 'permission denied' into a StorageError naming `path`."""
    try:
        yield
    except sqlite3.OperationalError as error:
        if any(m in str(error).lower() for m in _STORAGE_MESSAGES):
            raise StorageError(f"cannot write the run store {path}: {error}") from error
        raise
    except OSError as error:
        if error.errno in _STORAGE_ERRNOS:
            where = error.filename or path
            raise StorageError(f"cannot write to {where}: {error.strerror}") from error
        raise


def check_writable(folder: Path) -> None:
    """Create `folder` if needed and prove it can be written; StorageError names it if not."""
    probe = folder / ".metacompress-write-test"
    with storage_guard(folder):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with open(probe, "wb") as handle:
                handle.write(b"0" * 4096)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            raise StorageError(
                f"output folder {folder} is not writable: {error.strerror or error}"
            ) from error
        finally:
            with contextlib.suppress(OSError):
                probe.unlink()


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename (never half-written)."""
    tmp = path.with_name(path.name + ".tmp")
    with storage_guard(path):
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)


class RunStore:
    """The SQLite store of one run directory (see the module docstring for the tables)."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / DB_NAME
        with storage_guard(self.path):
            self._db = sqlite3.connect(self.path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            if self.get_meta("format_version") is None:
                self.set_meta("format_version", FORMAT_VERSION)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of writes: everything inside commits together or not at all."""
        with storage_guard(self.path):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:  # SQLite already rolled back on some errors
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._db.execute(sql, params).fetchall()

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        """The rows of a query one at a time, for results too large to hold as a list."""
        return iter(self._db.execute(sql, params))

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def is_done(self, stage: str) -> bool:
        return self.get_meta(f"done:{stage}") == "1"

    def mark_done(self, db: sqlite3.Connection, stage: str) -> None:
        """Record, inside the caller's transaction, that `stage` finished."""
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, '1')", (f"done:{stage}",))

    @staticmethod
    def insert(db: sqlite3.Connection, table: str, rows: Iterable[Sequence[Any]]) -> None:
        """INSERT OR REPLACE `rows` (tuples in the table's column order) into `table`; `rows`
        may be a generator, consumed one row at a time."""
        rows = iter(rows)
        first = next(rows, None)
        if first is not None:
            marks = ",".join("?" * len(first))
            sql = f"INSERT OR REPLACE INTO {table} VALUES ({marks})"
            db.executemany(sql, itertools.chain((first,), rows))

    def count(self, table: str, where: str = "", params: Sequence[Any] = ()) -> int:
        sql = f"SELECT COUNT(*) FROM {table}" + (f" WHERE {where}" if where else "")
        return int(self._db.execute(sql, params).fetchone()[0])

    def export(self, folder: Path, formats: Sequence[str] = ("parquet", "csv")) -> list[Path]:
        """Write every table of EXPORTS to `folder` in `formats`; returns the files written.

        Each table is streamed: one query, read EXPORT_BATCH_ROWS rows at a time, each batch
        written as one Parquet row group and as CSV rows, so memory stays bounded by one batch
        whatever the table's size. Files are written under a temporary name and renamed when
        complete, so an interrupted export never leaves a partial table under its real name.
        """
        written: list[Path] = []
        with storage_guard(folder):
            folder.mkdir(parents=True, exist_ok=True)
            for table in EXPORTS:
                written.extend(_export_table(self._db.execute(table.sql), folder, table, formats))
        return written


#: Rows read from SQLite and written (one Parquet row group, CSV rows) at a time by `export`.
EXPORT_BATCH_ROWS = 8192


def _tmp(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")


def _export_table(
    cursor: sqlite3.Cursor, folder: Path, table: Export, formats: Sequence[str]
) -> list[Path]:
    """Stream one query's rows into the table's files, EXPORT_BATCH_ROWS rows at a time.

    Each batch becomes one Parquet row group and CSV rows as `csv` writes them (None -> empty
    cell, floats by repr, which round-trips exactly). The files are written under a temporary
    name and renamed only when complete; an empty table still gets its Parquet schema (a file
    with no row groups) and its CSV header.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64()}
    schema = pa.schema([(name, types[kind]) for name, kind in table.columns])
    # Batch arrays come from the system allocator, which returns freed batches at once; with
    # pyarrow's default pool the export's peak memory kept growing with the table
    # (benchmarks/pipeline/README.md, section 2).
    system_pool = pa.system_memory_pool()
    parquet_path = folder / f"{table.name}.parquet" if "parquet" in formats else None
    csv_path = folder / f"{table.name}.csv" if "csv" in formats else None
    targets = [path for path in (parquet_path, csv_path) if path is not None]
    try:
        with contextlib.ExitStack() as files:
            parquet = csv_rows = None
            if parquet_path is not None:
                parquet = files.enter_context(
                    pq.ParquetWriter(_tmp(parquet_path), schema, compression="zstd")
                )
            if csv_path is not None:
                handle = files.enter_context(
                    open(_tmp(csv_path), "w", encoding="utf-8", newline="")
                )
                csv_rows = csv.writer(handle, lineterminator="\n")
                csv_rows.writerow(schema.names)
            while rows := cursor.fetchmany(EXPORT_BATCH_ROWS):
                if parquet is not None:
                    columns = [
                        pa.array(
                            [row[i] for row in rows], type=field.type, memory_pool=system_pool
                        )
                        for i, field in enumerate(schema)
                    ]
                    parquet.write_table(pa.Table.from_arrays(columns, schema=schema))
                if csv_rows is not None:
                    csv_rows.writerows(rows)
    except BaseException:
        for path in targets:
            _tmp(path).unlink(missing_ok=True)
        raise
    for path in targets:
        os.replace(_tmp(path), path)
    return targets
