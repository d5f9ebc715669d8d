"""The SQLite store of one run directory: every result of a run, committed in chunks.

Every write goes through `RunStore.transaction()`; a stage commits one chunk per transaction, so
a crash loses at most the chunk in flight, and `--resume` skips every committed unit (each
stage records ``done:STAGE`` in ``meta``). The tables are those of `metacompress.rundir.schema`;
the queries the stages and the reports ask are in `metacompress.rundir.queries` and
`metacompress.rundir.reader`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from metacompress.rundir.exports import export_tables
from metacompress.rundir.layout import DB_NAME, FORMAT_VERSION
from metacompress.rundir.schema import SCHEMA
from metacompress.rundir.storage import storage_guard


def dumps(value: Any) -> str:
    """Canonical JSON text for JSON columns (sorted keys, no whitespace, UTF-8)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class RunStore:
    """The SQLite store of one run directory (see the module docstring for the tables)."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / DB_NAME
        with storage_guard(self.path):
            self._db = sqlite3.connect(self.path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
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
            self.write_meta(db, key, value)

    @staticmethod
    def write_meta(db: sqlite3.Connection, key: str, value: str) -> None:
        """Set the ``meta`` entry `key` inside the caller's transaction."""
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
        """Write the exported tables to `folder` (`metacompress.rundir.exports.export_tables`)."""
        return export_tables(self._db, folder, formats)
