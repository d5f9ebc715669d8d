"""Why a path cannot be used: missing, a symbolic link loop, a dangling link."""

from __future__ import annotations

from metacompress.paths import path_problem


def test_each_reason_a_path_cannot_be_used_is_named(tmp_path):
    (tmp_path / "file.jsonl").write_text("{}\n")
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    (tmp_path / "dangling").symlink_to("gone.jsonl")
    assert path_problem(tmp_path / "file.jsonl") is None
    assert path_problem(tmp_path) is None
    assert path_problem(tmp_path / "missing.jsonl") == "not found"
    assert path_problem(tmp_path / "a") == "a symbolic link loop"
    assert path_problem(tmp_path / "dangling") == "a symbolic link to the missing gone.jsonl"
