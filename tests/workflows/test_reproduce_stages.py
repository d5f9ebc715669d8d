"""The stage manifest: finished stages reused, changed inputs refused or redone, progress lines."""

from __future__ import annotations

import functools
import json
import os
import random
import time

import pytest

from metacompress.errors import ConfigError
from metacompress.workflows.reproduce_stages import MANIFEST, Stage, StageBook, fingerprint


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


def _drawing_job(folder, seconds: float = 0.0, fail: bool = False) -> dict:
    """A stage job for worker processes: a draw of the stage's seeded generator, its pid."""
    time.sleep(seconds)
    if fail:
        raise ValueError("the stage failed")
    folder.mkdir(parents=True, exist_ok=True)
    return {"draw": random.random(), "pid": os.getpid()}


def _drawing_stages(base, names, **job_args) -> list[Stage]:
    return [Stage(n, {"n": n}, base / n, functools.partial(_drawing_job, base / n, **job_args))
            for n in names]  # fmt: skip


def test_stages_run_in_worker_processes_give_what_they_give_in_this_one(tmp_path):
    names = ["a", "b", "c"]
    alone = StageBook(tmp_path / "alone", quiet=True).run_all(
        _drawing_stages(tmp_path / "alone", names), jobs=1
    )
    done: list[str] = []
    book = StageBook(tmp_path / "jobs", quiet=True, on_done=done.append)
    together = book.run_all(_drawing_stages(tmp_path / "jobs", names), jobs=2)
    assert {n: (key, out["draw"]) for n, (key, out) in together.items()} == {
        n: (key, out["draw"]) for n, (key, out) in alone.items()
    }
    assert {out["pid"] for _, out in alone.values()} == {os.getpid()}
    assert os.getpid() not in {out["pid"] for _, out in together.values()}
    assert len({out["pid"] for _, out in together.values()}) == 3  # a fresh process each
    assert sorted(done) == names
    recorded = json.loads((tmp_path / "jobs" / MANIFEST).read_text())["stages"]
    assert {n: r["outputs"]["draw"] for n, r in recorded.items()} == {
        n: out["draw"] for n, (_, out) in alone.items()
    }
    again = StageBook(tmp_path / "jobs", quiet=True).run_all(
        _drawing_stages(tmp_path / "jobs", names, fail=True), jobs=2
    )  # finished: reused, the failing jobs never run
    assert again == together


def test_a_failing_worker_stage_raises_here_and_the_stages_still_running_are_not_recorded(
    tmp_path,
):
    stages = [*_drawing_stages(tmp_path, ["slow"], seconds=60),
              *_drawing_stages(tmp_path, ["failing"], fail=True)]  # fmt: skip
    started = time.monotonic()
    with pytest.raises(ValueError, match="the stage failed"):
        StageBook(tmp_path, quiet=True).run_all(stages, jobs=2)
    assert time.monotonic() - started < 50  # the slow stage's worker was killed
    assert not (tmp_path / MANIFEST).exists()


def test_workers_print_their_start_and_this_process_their_end(tmp_path, capfd):
    StageBook(tmp_path, prefix="demo").run_all(_drawing_stages(tmp_path, ["a", "b"]), jobs=2)
    lines = capfd.readouterr().err.splitlines()
    assert sum("started (in its own process)" in x for x in lines) == 2
    assert sum(": done in 0:0" in x for x in lines) == 2
    assert all(x.startswith("[demo 0:") for x in lines)


def _logging_job(step: int) -> dict:
    import logging

    logging.getLogger("metacompress.distill").info("pre-training step=%d", step)
    return {}


@pytest.mark.parametrize("jobs", [1, 2])
def test_training_records_become_progress_lines_of_their_stage(tmp_path, capfd, jobs):
    import logging

    stages = [Stage(f"s{i}", {"i": i}, None, functools.partial(_logging_job, i)) for i in (1, 2)]
    (tmp_path / "shown").mkdir()
    (tmp_path / "quiet").mkdir()
    StageBook(tmp_path / "shown", prefix="demo").run_all(stages, jobs=jobs)
    lines = capfd.readouterr().err.splitlines()
    assert sum("] s1: pre-training step=1" in x for x in lines) == 1
    assert sum("] s2: pre-training step=2" in x for x in lines) == 1
    StageBook(tmp_path / "quiet", quiet=True).run_all(stages, jobs=jobs)
    assert "pre-training" not in capfd.readouterr().err
    assert not logging.getLogger("metacompress.distill").handlers  # removed after each stage
