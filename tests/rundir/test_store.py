"""The run store: SQLite tables a plain reader can query."""

from __future__ import annotations

import sqlite3

import pytest

from metacompress.rundir.store import DuplicateRowError, RunStore


def test_store_tables_are_sqlite_a_reader_can_query(tmp_path):
    with RunStore(tmp_path) as store, store.transaction() as db:
        RunStore.insert(db, "examples", [("e1", 0, 1, '["int f();"]', "{}")])
    with sqlite3.connect(tmp_path / "run.sqlite") as db:
        assert db.execute("SELECT example_id, label FROM examples").fetchall() == [("e1", 1)]


def test_a_row_with_a_stored_key_is_refused_and_nothing_is_replaced(tmp_path):
    with RunStore(tmp_path) as store:
        with store.transaction() as db:
            RunStore.insert(db, "examples", [("e1", 0, 1, '["int f();"]', "{}")])
        rows = (row for row in [("e2", 1, 0, '["int g();"]', "{}"),
                                ("e1", 2, 0, '["int h();"]', "{}")])  # fmt: skip
        duplicate = pytest.raises(DuplicateRowError, match=r"examples: .*'e1'")
        with duplicate, store.transaction() as db:
            RunStore.insert(db, "examples", rows)
        # the failed chunk rolled back as a whole; the first row is untouched
        assert store.query("SELECT example_id, inputs FROM examples") == [("e1", '["int f();"]')]
