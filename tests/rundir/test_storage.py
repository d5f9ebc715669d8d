"""Writing to the run directory: storage errors name the path."""

from __future__ import annotations

from pathlib import Path

import pytest

from metacompress.rundir.storage import StorageError, check_writable
from metacompress.rundir.store import RunStore


def test_a_full_store_is_a_storage_error_that_names_the_file(tmp_path):
    store = RunStore(tmp_path)
    store._db.execute("PRAGMA max_page_count = 12")
    rows = [(f"e{i}", i, 0, "x" * 2000, "{}") for i in range(200)]
    with pytest.raises(StorageError, match=f"{tmp_path}.*full"), store.transaction() as db:
        RunStore.insert(db, "examples", rows)
    assert store.count("examples") == 0
    store.close()


def test_an_unwritable_output_folder_is_a_storage_error_that_names_it(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match=f"{blocker}/run"):
        check_writable(blocker / "run")
    with pytest.raises(StorageError, match="/proc/metacompress-run"):
        check_writable(Path("/proc/metacompress-run"))
