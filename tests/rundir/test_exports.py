"""The tables/ exports: streamed in batches, schema and header when empty, never partial."""

from __future__ import annotations

import pytest

from metacompress.rundir.exports import EXPORTS, export_table
from metacompress.rundir.store import RunStore


def _store_with_examples(folder, n):
    folder.mkdir()
    store = RunStore(folder)
    with store.transaction() as db:
        RunStore.insert(
            db,
            "examples",
            [
                (f"e{i}", i, None if i % 3 == 0 else i % 2, f'["int f{i}();"]', "{}")
                for i in range(n)
            ],
        )
    return store


def test_export_streams_batches_into_row_groups_with_the_same_content(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    from metacompress.rundir import exports

    with _store_with_examples(tmp_path / "run", 10) as store:
        whole = store.export(tmp_path / "whole")
        monkeypatch.setattr(exports, "EXPORT_BATCH_ROWS", 3)
        batched = store.export(tmp_path / "batched")
    assert [p.name for p in whole] == [p.name for p in batched]
    for a, b in zip(whole, batched, strict=True):
        if a.suffix == ".csv":
            assert a.read_bytes() == b.read_bytes()
        else:
            assert pq.read_table(a).equals(pq.read_table(b))
    examples = pq.ParquetFile(tmp_path / "batched" / "examples.parquet")
    assert examples.metadata.num_row_groups == 4  # 10 rows in batches of 3
    table = examples.read()
    assert table.column("example_id").to_pylist() == [f"e{i}" for i in range(10)]
    assert table.column("label").to_pylist()[:4] == [None, 1, 0, None]
    csv_lines = (tmp_path / "batched" / "examples.csv").read_text().splitlines()
    assert csv_lines[0] == "example_id,position,label,inputs"
    assert csv_lines[1] == 'e0,0,,"[""int f0();""]"'


def test_an_empty_table_exports_its_schema_and_header(tmp_path):
    import pyarrow.parquet as pq

    with RunStore(tmp_path) as store:
        store.export(tmp_path / "tables")
    table = pq.read_table(tmp_path / "tables" / "examples.parquet")
    assert table.num_rows == 0 and table.column_names == [
        "example_id",
        "position",
        "label",
        "inputs",
    ]
    assert (
        tmp_path / "tables" / "examples.csv"
    ).read_text() == "example_id,position,label,inputs\n"


def test_an_export_interrupted_mid_table_leaves_no_partial_file(tmp_path):

    class FailingCursor:
        """Hands out one batch of rows, then fails as a lost disk would."""

        def __init__(self):
            self.calls = 0

        def fetchmany(self, size):
            self.calls += 1
            if self.calls == 2:
                raise OSError("disk went away")
            return [("e0", 0, 1, "[]")]

    cursor = FailingCursor()
    with pytest.raises(OSError, match="disk went away"):
        export_table(cursor, tmp_path, EXPORTS[0], ("parquet", "csv"))
    assert cursor.calls == 2
    assert list(tmp_path.iterdir()) == []


def test_csv_cells_a_spreadsheet_would_run_are_quoted_and_parquet_stays_raw(tmp_path):
    import csv

    import pyarrow.parquet as pq

    ids = ["=HYPERLINK(\"http://evil\",\"x\")", "+1", "-2+3", "@SUM(A1)", "\t=1", "plain"]
    store = RunStore(tmp_path)
    with store.transaction() as db:
        RunStore.insert(db, "examples", [(e, i, 1, '["=1+1"]', "{}") for i, e in enumerate(ids)])
    store.export(tmp_path / "tables", ("parquet", "csv"))
    store.close()
    with open(tmp_path / "tables" / "examples.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["example_id"] for r in rows] == ["'" + e for e in ids[:5]] + ["plain"]
    assert {r["position"] for r in rows} == {str(i) for i in range(6)}  # numbers untouched
    assert all(r["inputs"] == '["=1+1"]' for r in rows)  # starts with "[": not a formula
    raw = pq.read_table(tmp_path / "tables" / "examples.parquet").column("example_id")
    assert raw.to_pylist() == ids
