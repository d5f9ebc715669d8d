"""The read-only reader: refuses a folder that is not a run, answers from the tables as saved."""

from __future__ import annotations

import json

import pytest

from metacompress.errors import ConfigError
from metacompress.rundir import RunReader, RunStore


def test_a_folder_without_a_store_is_not_a_run_directory(tmp_path):
    with pytest.raises(ConfigError, match=f"{tmp_path} is not a run directory"):
        RunReader(tmp_path)


def _run(folder):
    with RunStore(folder) as store, store.transaction() as db:
        RunStore.insert(
            db, "examples", [("e1", 0, 1, '["a"]', "{}"), ("e2", 1, None, '["b"]', "{}")]
        )
        RunStore.insert(db, "variants", [
            ("e1/source", "e1", "source", "ok", "", 0, "[]", "[]", '["a"]', "ka"),
            ("e2/source", "e2", "source", "ok", "", 0, "[]", "[]", '["b"]', "kb"),
            ("e1/f", "e1", "f", "ok", "", 1, "[]", "[]", '["a2"]', "ka2"),
            ("e2/f", "e2", "f", "not-applicable", "no site", 1, "[]", "[]", None, None),
        ])  # fmt: skip
        RunStore.insert(db, "outputs", [
            (model, key, 0.25, 0.75, 1, 0, None, "ok", "", None)
            for model in ("teacher", "student") for key in ("ka", "kb", "ka2")
        ])  # fmt: skip
    (folder / "summary.json").write_text(json.dumps({"seed": 5}))


def test_the_reader_answers_from_the_saved_tables(tmp_path):
    _run(tmp_path)
    with RunReader(tmp_path) as run:
        assert run.summary == {"seed": 5}
        assert run.report_counts() == {
            "examples": 2, "variants": 1, "not_applicable": 1, "errors": 0
        }  # fmt: skip
        assert run.labelled_outputs("teacher") == [(0.25, 0.75, 1)]
        assert run.labelled_outputs("teacher", ["f"]) == [(0.25, 0.75, 1)]
        assert run.followup_confidences(10) == [(0.75, 0.75)]
        assert run.variant_inputs(["e1/f"]) == {"e1/f": (("a2",), "ka2")}
        assert run.source_inputs(["e2"]) == {"e2": (("b",), None, "kb")}
        assert run.outputs({"ka2"})[("student", "ka2")] == (0.25, 0.75, 0)


def test_the_reader_never_writes(tmp_path):
    _run(tmp_path)
    with RunReader(tmp_path) as run, pytest.raises(Exception, match="readonly"):
        run.db.execute("DELETE FROM examples")


def test_a_run_directory_in_another_format_is_refused_with_what_to_do(tmp_path):
    from metacompress.rundir.resume import check_resume

    _run(tmp_path)
    with RunStore(tmp_path) as store:
        store.set_meta("format_version", "1")
        with pytest.raises(ConfigError, match="holds run-directory format 1; .* format 3"):
            check_resume(store, "hash", {}, tmp_path, resume=True)
    with pytest.raises(ConfigError, match="run the experiment again into another folder"):
        RunReader(tmp_path)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_a_damaged_store_is_an_error_naming_the_file(tmp_path, damage):
    from metacompress.rundir.storage import CorruptStoreError

    _run(tmp_path)
    path = tmp_path / "run.sqlite"
    content = path.read_bytes()
    path.write_bytes({"truncated": content[: len(content) // 2], "garbage": b"not a db" * 100,
                      "empty": b""}[damage])  # fmt: skip
    expected = ConfigError if damage == "empty" else CorruptStoreError
    message = (f"{tmp_path} is not a run directory" if damage == "empty"
               else f"{path} cannot be read: .*truncated")  # fmt: skip
    with pytest.raises(expected, match=message), RunReader(tmp_path) as run:
        run.report_counts()
    if damage != "empty":
        refused = pytest.raises(CorruptStoreError, match=f"{path} cannot be read")
        with refused, RunStore(tmp_path) as store:
            store.count("variants")


def test_a_run_on_read_only_storage_is_read_and_writing_to_it_names_the_folder(
    tmp_path, make_read_only
):
    from metacompress.atomic import write_atomic
    from metacompress.rundir.storage import StorageError

    _run(tmp_path)
    make_read_only(tmp_path)
    with RunReader(tmp_path) as run:
        assert run.report_counts()["examples"] == 2
    with pytest.raises(StorageError, match=f"cannot write to {tmp_path / 'report.md'}: "):
        write_atomic(tmp_path / "report.md", "# report\n")
    assert not (tmp_path / "report.md").exists()


def test_a_read_only_run_with_commits_left_in_its_log_says_so(tmp_path, make_read_only):
    import shutil
    import sqlite3

    _run(tmp_path)
    holder = sqlite3.connect(tmp_path / "run.sqlite")  # keeps the log from being folded in
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("INSERT INTO meta VALUES ('late', '1')")
    holder.commit()
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("run.sqlite", "run.sqlite-wal"):
        shutil.copy(tmp_path / name, copy / name)
    holder.close()
    make_read_only(copy)
    with pytest.raises(ConfigError, match="write-ahead log run.sqlite-wal still holds commits"):
        RunReader(copy)
