"""The pure parts of the pipeline: seeds, variant units, the watchdog, the executor, storage."""

from __future__ import annotations

import dataclasses
import signal
import sqlite3
import time

import pytest
from pipeline_doubles import example_code

from metacompress.code.edits import Edit, apply_edits
from metacompress.errors import ConfigError
from metacompress.pipeline.config import FollowupSpec
from metacompress.pipeline.executor import LocalExecutor, UnitTimeout, make_executor, time_limit
from metacompress.pipeline.store import RunStore, StorageError, check_writable
from metacompress.pipeline.variants import VariantUnit, make_variant, unit_seed

JAVA = "void m(int a) { int x = a; for (int i = 0; i < 2; i++) { x += i; } }"


def unit(spec: FollowupSpec, inputs=None, lang="c", limit=5.0) -> VariantUnit:
    inputs = tuple(inputs or (example_code(1),))
    return VariantUnit("e1", inputs, spec, lang, unit_seed(0, "e1", spec.name), limit)


def test_unit_seeds_depend_only_on_the_seed_and_the_names():
    assert unit_seed(1, "e1", "rename-locals") == unit_seed(1, "e1", "rename-locals")
    seeds = {unit_seed(s, e, f) for s in (1, 2) for e in ("e1", "e2") for f in ("a", "b")}
    assert len(seeds) == 8 and all(0 <= s < 2**63 for s in seeds)


def test_a_transformation_variant_records_its_edits_and_is_reproducible():
    spec = FollowupSpec("rename-locals", "transform", "rename-locals")
    first, again = make_variant(unit(spec)), make_variant(unit(spec))
    assert first == again and first.status == "ok"
    (steps,) = first.edits
    code = example_code(1)
    for step in steps:
        code = apply_edits(code, [Edit.from_dict(e) for e in step])
    assert (code,) == first.inputs and first.steps == (("rename-locals",),)


def test_combine_applies_k_steps_in_sequence():
    pool = ("rename-locals", "for-to-while", "swap-if-else")
    spec = FollowupSpec("combine-2", "transform", "compose", {"k": 2, "transforms": pool})
    outcome = make_variant(unit(spec))
    assert outcome.status == "ok" and len(outcome.steps[0]) == 2
    code = example_code(1)
    for step in outcome.edits[0]:
        code = apply_edits(code, [Edit.from_dict(e) for e in step])
    assert code == outcome.inputs[0]
    three = dataclasses.replace(spec, params={"k": 3, "transforms": pool})
    missing = make_variant(unit(three))
    assert missing.status == "not-applicable" and "only 2 of k=3" in missing.reason


def test_sides_choose_which_inputs_of_a_pair_change():
    both = FollowupSpec("rename-locals", "transform", "rename-locals")
    pair = (JAVA, JAVA.replace("m(", "n("))
    changed = make_variant(unit(both, pair, "java"))
    assert all(new != old for new, old in zip(changed.inputs, pair, strict=True))
    first = make_variant(unit(dataclasses.replace(both, sides="second"), pair, "java"))
    assert first.inputs[0] == pair[0] and first.inputs[1] != pair[1]
    assert first.steps[0] == () and first.edits[0] == ()


@pytest.mark.usefixtures("raising_transform", "spinning_transform")
def test_a_raising_or_endless_transformation_becomes_a_recorded_outcome():
    raises = FollowupSpec("test-raises", "transform", "test-raises")
    broken = make_variant(unit(raises, ["int f(int BOOM) { return BOOM; }"]))
    assert (
        broken.status == "error" and "RuntimeError: this transformation is broken" in broken.reason
    )
    start = time.perf_counter()
    endless = make_variant(unit(FollowupSpec("test-spins", "transform", "test-spins"), limit=0.3))
    assert endless.status == "timeout" and "0.3 s" in endless.reason
    assert time.perf_counter() - start < 3


def test_the_watchdog_interrupts_disarms_and_rearms_an_enclosing_alarm():
    with pytest.raises(UnitTimeout), time_limit(0.1):
        while True:
            pass
    with time_limit(0.2):
        pass
    time.sleep(0.3)
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with time_limit(5):
            pass
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.3
        time.sleep(0.5)
        assert fired == [True]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _square(x: int) -> int:
    return x * x


def test_the_local_executor_keeps_order_with_several_processes():
    units = list(range(50))
    with LocalExecutor(2) as pool:
        assert list(pool.map(_square, units)) == [x * x for x in units]
    assert list(make_executor("local", 1).map(_square, units)) == [x * x for x in units]
    with pytest.raises(ConfigError, match="backend must be one of"):
        make_executor("carrier-pigeon")
    with pytest.raises(ConfigError, match="workers"):
        LocalExecutor(0)


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
        check_writable(__import__("pathlib").Path("/proc/metacompress-run"))


def test_store_tables_are_sqlite_a_reader_can_query(tmp_path):
    with RunStore(tmp_path) as store, store.transaction() as db:
        RunStore.insert(db, "examples", [("e1", 0, 1, '["int f();"]', "{}")])
    with sqlite3.connect(tmp_path / "run.sqlite") as db:
        assert db.execute("SELECT example_id, label FROM examples").fetchall() == [("e1", 1)]


def _store_with_examples(folder, n):
    folder.mkdir()
    store = RunStore(folder)
    with store.transaction() as db:
        RunStore.insert(
            db,
            "examples",
            [(f"e{i}", i, None if i % 3 == 0 else i % 2, f'["int f{i}();"]', "{}") for i in range(n)],
        )
    return store


def test_export_streams_batches_into_row_groups_with_the_same_content(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    from metacompress.pipeline import store as store_module

    with _store_with_examples(tmp_path / "run", 10) as store:
        whole = store.export(tmp_path / "whole")
        monkeypatch.setattr(store_module, "EXPORT_BATCH_ROWS", 3)
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
    assert table.num_rows == 0 and table.column_names == ["example_id", "position", "label", "inputs"]
    assert (tmp_path / "tables" / "examples.csv").read_text() == "example_id,position,label,inputs\n"


def test_an_export_interrupted_mid_table_leaves_no_partial_file(tmp_path):
    from metacompress.pipeline.store import EXPORTS, _export_table

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
        _export_table(cursor, tmp_path, EXPORTS[0], ("parquet", "csv"))
    assert cursor.calls == 2
    assert list(tmp_path.iterdir()) == []
