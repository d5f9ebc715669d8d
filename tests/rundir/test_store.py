"""The run store: SQLite tables a plain reader can query."""

from __future__ import annotations

import sqlite3

from metacompress.rundir.store import RunStore


def test_store_tables_are_sqlite_a_reader_can_query(tmp_path):
    with RunStore(tmp_path) as store, store.transaction() as db:
        RunStore.insert(db, "examples", [("e1", 0, 1, '["int f();"]', "{}")])
    with sqlite3.connect(tmp_path / "run.sqlite") as db:
        assert db.execute("SELECT example_id, label FROM examples").fetchall() == [("e1", 1)]
