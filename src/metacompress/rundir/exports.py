"""Deterministic exports of the per-example tables: tables/TABLE.parquet and tables/TABLE.csv.

Each `Export` is one query (rows sorted by the table's key) and its Arrow column types, so the
files are byte-identical for the same config and seed. `export_tables(db, folder, formats)`
streams every table to `folder`. CSV cells that a spreadsheet would run as a formula get a
leading single quote (`metacompress.escaping.csv_cell`); the Parquet files hold the exact values.
"""

from __future__ import annotations

import contextlib
import csv
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from metacompress.atomic import atomic_path
from metacompress.escaping import csv_row
from metacompress.rundir.storage import storage_guard


@dataclass(frozen=True)
class Export:
    """One exported table: its query (rows in key order) and its Arrow column types."""

    name: str
    sql: str
    columns: tuple[tuple[str, str], ...]  # (column, "string" | "int64" | "float64")


def _typed(names: str, kind: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, kind) for name in names.split())


def _interval(name: str) -> tuple[tuple[str, str], ...]:
    return _typed(f"{name} {name}_low {name}_high", "float64")


#: Columns of the aggregate tables (see `metacompress.rundir.schema`), in table order.
RATE_COLUMNS = (
    *_typed("relation followup pair level", "string"),
    *_typed("n_pairs n_examples applicable violations", "int64"),
    *_typed("rate low high", "float64"),
    ("method", "string"),
    ("source_rate", "float64"),
    *_typed("induced_applicable induced_violations", "int64"),
    *_interval("induced"),
    ("induced_method", "string"),
    *_interval("difference"),
    ("difference_method", "string"),
    *_interval("value"),
    ("holds", "int64"),
    ("reason", "string"),
)
SCORE_COLUMNS = (*_typed("model followup", "string"), *_typed("n labelled", "int64"),
                 *_typed("accuracy f1", "float64"))  # fmt: skip
MCNEMAR_COLUMNS = (
    *_typed("followup test", "string"),
    *_typed("n clusters teacher_only student_only", "int64"),
    *_typed("statistic p_value", "float64"),
    ("student", "string"),
)
#: The ``models`` table without its info (measured speed is not deterministic).
MODEL_COLUMNS = (*_typed("name", "string"), ("position", "int64"),
                 *_typed("role method", "string"), ("seed", "int64"), ("spec", "string"))  # fmt: skip
ROBUSTNESS_COLUMNS = (
    *_typed("followup attack victim metric", "string"),
    *_typed(
        "examples labelled correct attacked succeeded failed no_identifier errors"
        " not_attacked_other",
        "int64",
    ),  # fmt: skip
    *_interval("success_rate"),
    *_interval("clean"),
    *_interval("adversarial"),
    *_interval("relative_drop"),
    ("mean_queries", "float64"),
)
ROBUSTNESS_GAP_COLUMNS = (
    *_typed("attack teacher_followup student_followup", "string"),
    *_interval("drop_increase"),
    *_interval("drop_ratio"),
)


def _table_export(table: str, columns: tuple[tuple[str, str], ...], key: str) -> Export:
    names = ", ".join(name for name, _ in columns)
    return Export(table, f"SELECT {names} FROM {table} ORDER BY {key}", columns)


EXPORTS: tuple[Export, ...] = (
    Export(
        "examples",
        "SELECT example_id, position, label, inputs FROM examples ORDER BY position",
        (("example_id", "string"), ("position", "int64"), ("label", "int64"), ("inputs", "string")),
    ),
    Export(
        "variants",
        "SELECT v.variant_id, v.example_id, v.followup, f.kind, f.victim, v.status, v.reason,"
        " CASE WHEN f.kind IN ('attack', 'search') AND v.status = 'ok'"
        " THEN COALESCE(a.status, s.status) = 'success' END,"
        " v.seed, v.steps, v.edits, v.inputs FROM variants v JOIN followups f"
        " ON f.name = v.followup LEFT JOIN attack_results a"
        " ON a.example_id = v.example_id AND a.followup = v.followup LEFT JOIN search_results s"
        " ON s.example_id = v.example_id AND s.followup = v.followup ORDER BY v.variant_id",
        (
            ("variant_id", "string"),
            ("example_id", "string"),
            ("followup", "string"),
            ("kind", "string"),
            ("victim", "string"),
            ("status", "string"),
            ("reason", "string"),
            ("attack_success", "int64"),
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
        " details, student FROM verdicts ORDER BY variant_id, relation, student",
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
            ("student", "string"),
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
        "search_results",
        "SELECT example_id, followup, status, reason, queries FROM search_results"
        " ORDER BY example_id, followup",
        (
            ("example_id", "string"),
            ("followup", "string"),
            ("status", "string"),
            ("reason", "string"),
            ("queries", "int64"),
        ),
    ),
    _table_export("rates", RATE_COLUMNS, "relation, followup != 'source', followup, pair"),
    _table_export("scores", SCORE_COLUMNS, "model, followup"),
    _table_export("mcnemar", MCNEMAR_COLUMNS, "followup, student"),
    _table_export("robustness", ROBUSTNESS_COLUMNS, "followup"),
    _table_export("robustness_gaps", ROBUSTNESS_GAP_COLUMNS, "attack, student_followup"),
    _table_export("models", MODEL_COLUMNS, "position"),
)


def export_tables(
    db: sqlite3.Connection, folder: Path, formats: Sequence[str] = ("parquet", "csv")
) -> list[Path]:
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
            written.extend(export_table(db.execute(table.sql), folder, table, formats))
    return written


#: Rows read from SQLite and written (one Parquet row group, CSV rows) at a time by `export`.
EXPORT_BATCH_ROWS = 8192


def export_table(
    cursor: sqlite3.Cursor, folder: Path, table: Export, formats: Sequence[str]
) -> list[Path]:
    """Stream one query's rows into the table's files, EXPORT_BATCH_ROWS rows at a time.

    Each batch becomes one Parquet row group and CSV rows as `csv` writes them (None -> empty
    cell, floats by repr, which round-trips exactly; formula-like text quoted, see
    `metacompress.escaping.csv_cell`). The files are written under a temporary name and renamed
    only when complete (`metacompress.atomic`); an empty table still gets its Parquet schema (a
    file with no row groups) and its CSV header.
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
    with contextlib.ExitStack() as files:  # closes each file, then renames it into place
        parquet = csv_rows = None
        if parquet_path is not None:
            tmp = files.enter_context(atomic_path(parquet_path))
            parquet = files.enter_context(pq.ParquetWriter(tmp, schema, compression="zstd"))
        if csv_path is not None:
            tmp = files.enter_context(atomic_path(csv_path))
            handle = files.enter_context(open(tmp, "w", encoding="utf-8", newline=""))
            csv_rows = csv.writer(handle, lineterminator="\n")
            csv_rows.writerow(schema.names)
        while rows := cursor.fetchmany(EXPORT_BATCH_ROWS):
            if parquet is not None:
                columns = [
                    pa.array([row[i] for row in rows], type=field.type, memory_pool=system_pool)
                    for i, field in enumerate(schema)
                ]
                parquet.write_table(pa.Table.from_arrays(columns, schema=schema))
            if csv_rows is not None:
                csv_rows.writerows(map(csv_row, rows))
    return targets
