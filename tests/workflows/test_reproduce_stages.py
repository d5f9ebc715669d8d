"""The stage manifest: finished stages reused, changed inputs refused or redone, progress lines."""

from __future__ import annotations

import json

import pytest

from metacompress.errors import ConfigError
from metacompress.workflows.reproduce_stages import MANIFEST, StageBook, fingerprint


def _counting_work(calls: list[str], name: str, folder):
    def work():
        calls.append(name)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "made").write_text(name)
        return {"made": name}

    return work


def test_a_finished_stage_is_reused_by_a_new_book(tmp_path):
    calls: list[str] = []
    first = StageBook(tmp_path, quiet=True)
    key, out = first.run("a", {"n": 1}, tmp_path / "a", _counting_work(calls, "a", tmp_path / "a"))
    second = StageBook(tmp_path, quiet=True)
    again, reused = second.run("a", {"n": 1}, tmp_path / "a", _counting_work(calls, "a", tmp_path))
    assert calls == ["a"] and key == again and reused == out == {"made": "a"}
    record = json.loads((tmp_path / MANIFEST).read_text())
    assert record["stages"]["a"]["fingerprint"] == fingerprint("a", {"n": 1})
    assert record["stages"]["a"]["seconds"] >= 0 and "cpu_seconds" in record["stages"]["a"]


def test_a_stage_that_raised_is_not_recorded_and_runs_again(tmp_path):
    book = StageBook(tmp_path, quiet=True)

    def fail():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        book.run("a", {}, None, fail)
    calls: list[str] = []
    StageBook(tmp_path, quiet=True).run("a", {}, None, _counting_work(calls, "a", tmp_path / "a"))
    assert calls == ["a"]


def test_changed_inputs_are_refused_naming_the_stage_and_setting(tmp_path):
    calls: list[str] = []
    StageBook(tmp_path, quiet=True).run(
        "teacher", {"epochs": 2}, tmp_path / "t", _counting_work(calls, "t", tmp_path / "t")
    )
    with pytest.raises(ConfigError, match=r"stage teacher .*epochs: 2 -> 3.*--restart"):
        StageBook(tmp_path, quiet=True).run(
            "teacher", {"epochs": 3}, tmp_path / "t", _counting_work(calls, "t", tmp_path / "t")
        )
    assert calls == ["t"]


def test_restart_removes_the_changed_stage_folder_and_redoes_it(tmp_path):
    calls: list[str] = []
    folder = tmp_path / "t"
    StageBook(tmp_path, quiet=True).run("t", {"n": 1}, folder, _counting_work(calls, "1", folder))
    (folder / "stale").write_text("from the old settings")
    book = StageBook(tmp_path, quiet=True, restart=True)
    book.run("t", {"n": 2}, folder, _counting_work(calls, "2", folder))
    assert calls == ["1", "2"] and not (folder / "stale").exists()
    assert book.stages["t"]["fingerprint"] == fingerprint("t", {"n": 2})


def test_progress_lines_reach_stderr_when_it_is_not_a_terminal(tmp_path, capsys):
    done: list[str] = []
    book = StageBook(tmp_path, prefix="demo", on_done=done.append)
    book.run("teacher", {}, None, lambda: {}, "tiny preset")
    StageBook(tmp_path, prefix="demo").run("teacher", {}, None, lambda: {})
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("[demo 0:0") and "teacher: started - tiny preset" in lines[0]
    assert "teacher: done in 0:0" in lines[1]
    assert "teacher: reused" in lines[2] and len(lines) == 3
    assert done == ["teacher"]


def test_quiet_prints_nothing(tmp_path, capsys):
    StageBook(tmp_path, quiet=True).run("a", {}, None, lambda: {})
    assert capsys.readouterr().err == ""


def test_an_unreadable_manifest_is_a_config_error_naming_it(tmp_path):
    (tmp_path / MANIFEST).write_text("{not json")
    with pytest.raises(ConfigError, match=MANIFEST):
        StageBook(tmp_path)
