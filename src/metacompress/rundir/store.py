"""The SQLite store of one run directory: every result of a run, committed in chunks.

Every write goes through `RunStore.transaction()`; a stage commits one chunk per transaction, so
a crash loses at most the chunk in flight, and `--resume` skips every committed unit (each
stage records ``done:STAGE`` in ``meta``). The tables are those of `metacompress.rundir.schema`;
the queries the stages and the reports ask are in `metacompress.rundir.queries` and
`metacompress.rundir.reader`.

A row is never overwritten: `insert` is a plain INSERT, and a row whose key is already in the
table is a `DuplicateRowError` naming the table and the row, so two results that claim the same
key (colliding ids, a stage run twice) stop the run instead of one silently replacing the other.
The store holds the run directory's lock (`metacompress.rundir.lock`) while it is open, so a
second process gets a clear error instead of writing beside the first. Only ``meta`` entries
are replaced (`write_meta`); tables recomputed as a whole are deleted first
(`metacompress.rundir.queries.replace_results`).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from metacompress.errors import MetaCompressError
from metacompress.rundir.exports import export_tables
from metacompress.rundir.layout import DB_NAME, FORMAT_VERSION
from metacompress.rundir.lock import RunLock
from metacompress.rundir.schema import SCHEMA
from metacompress.rundir.storage import store_guard


def dumps(value: Any) -> str:
    """Canonical JSON text for JSON columns (sorted keys, no whitespace, UTF-8)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class DuplicateRowError(MetaCompressError):
    """A row whose key is already in its table: results would have been overwritten."""


class RunStore:
    """The SQLite store of one run directory (see the module docstring for the tables)."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / DB_NAME
        self._lock = RunLock(self.run_dir)
        try:
            with store_guard(self.path):
                self._db = sqlite3.connect(self.path, isolation_level=None)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(SCHEMA)
                if self.get_meta("format_version") is None:
                    self.set_meta("format_version", FORMAT_VERSION)
        except BaseException:
            if hasattr(self, "_db"):
                self._db.close()
            self._lock.release()
            raise

    def close(self) -> None:
        self._db.close()
        self._lock.release()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of writes: everything inside commits together or not at all."""
        with store_guard(self.path):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:  # SQLite already rolled back on some errors
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with store_guard(self.path):
            return self._db.execute(sql, params).fetchall()

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        """The rows of a query one at a time, for results too large to hold as a list."""
        with store_guard(self.path):
            yield from self._db.execute(sql, params)

    def get_meta(self, key: str) -> str | None:
        rows = self.query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

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
        """INSERT `rows` (tuples in the table's column order) into `table`; `rows` may be a
        generator, consumed one row at a time. A row whose key is already in the table raises
        DuplicateRowError naming it (nothing is replaced)."""
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return
        marks = ",".join("?" * len(first))
        last: list[Sequence[Any]] = [first]

        def remembered() -> Iterator[Sequence[Any]]:
            for row in itertools.chain((first,), rows):
                last[0] = row
                yield row

        try:
            db.executemany(f"INSERT INTO {table} VALUES ({marks})", remembered())
        except sqlite3.IntegrityError as error:
            if "UNIQUE" not in str(error):
                raise
            shown = ", ".join(repr(v)[:80] for v in last[0][:4])
            raise DuplicateRowError(
                f"{table}: a row with the key of ({shown}, ...) is already stored; two results "
                f"claim the same key ({error}), and neither is overwritten"
            ) from None

    def count(self, table: str, where: str = "", params: Sequence[Any] = ()) -> int:
        sql = f"SELECT COUNT(*) FROM {table}" + (f" WHERE {where}" if where else "")
        return int(self.query(sql, params)[0][0])

    def export(self, folder: Path, formats: Sequence[str] = ("parquet", "csv")) -> list[Path]:
        """Write the exported tables to `folder` (`metacompress.rundir.exports.export_tables`)."""
        with store_guard(self.path):
            return export_tables(self._db, folder, formats)
