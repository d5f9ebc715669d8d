"""The bad-input corpus: the command line on every case of tests/cli/bad_inputs.

Each case is a folder holding its input files and `case.yaml`:

    command: [data, inspect, test.jsonl.xz, --task, vulnerability]  # run in the case's folder
    exit: 2                          # the expected exit status
    message: 'cannot read ...'       # a regular expression searched in stderr (or `stream`)
    stream: stdout                   # [stderr]
    finished_run: run                # a finished run of _shared/exp.yaml is copied to run/
    setup: {truncate: FILE, read_only: FOLDER, hold_lock: RUN_DIR, symlink_loop: [A, B]}
    limit_file_size: 2000            # no file may grow past this many bytes (a full disk):
                                     # the command runs in a subprocess under RLIMIT_FSIZE
    absent: [FILE, ...]              # must not exist afterwards (no partial output)

`setup` makes what git cannot hold. Every case must end with its exit status and a message
naming the file and the problem: never a traceback, never the top level's "unexpected" line
(which would mean the case reached no check of its own).
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import metacompress
from metacompress.cli import main

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
SHARED = "_shared"
CASES = sorted(p.parent.name for p in CORPUS.glob("*/case.yaml"))


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> Path:
    """A finished run of _shared/exp.yaml, made once and copied into the cases that need it."""
    work = tmp_path_factory.mktemp("finished")
    shutil.copytree(CORPUS / SHARED, work / SHARED)
    out = work / "run"
    code = main(["--quiet", "run", str(work / SHARED / "exp.yaml"), "--out", str(out),
                 "--trust-remote-code"])  # fmt: skip
    assert code == 0
    return out


def _subprocess(command: list[str], cwd: Path, limit: int) -> tuple[int, str, str]:
    """The command line in a new process whose files may not grow past `limit` bytes."""

    def limit_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    source = str(Path(metacompress.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-m", "metacompress", "--quiet", *command], cwd=cwd, env=env,
        capture_output=True, text=True, timeout=600, preexec_fn=limit_files,
    )  # fmt: skip
    return done.returncode, done.stdout, done.stderr


def _hold_lock(run_dir: Path) -> subprocess.Popen:
    """Another process with the run directory's store open (so its lock taken)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys\nfrom metacompress.rundir import RunStore\n"
         "store = RunStore(sys.argv[1])\nprint('held', flush=True)\nsys.stdin.readline()\n",
         str(run_dir)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "held"
    return holder


@pytest.mark.parametrize("name", CASES)
def test_a_bad_input_gives_its_exit_status_and_a_clear_message(
    name, tmp_path, monkeypatch, capsys, request, make_read_only
):
    case = yaml.safe_load((CORPUS / name / "case.yaml").read_text(encoding="utf-8"))
    shutil.copytree(CORPUS / SHARED, tmp_path / SHARED)
    work = tmp_path / name
    shutil.copytree(CORPUS / name, work, symlinks=True)
    if "finished_run" in case:
        shutil.copytree(request.getfixturevalue("finished_run"), work / case["finished_run"])
    setup = case.get("setup", {})
    if "truncate" in setup:
        target = work / setup["truncate"]
        target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    if "symlink_loop" in setup:
        first, second = setup["symlink_loop"]
        (work / first).symlink_to(second)
        (work / second).symlink_to(first)
    if "read_only" in setup:
        make_read_only(work / setup["read_only"])
    holder = _hold_lock(work / setup["hold_lock"]) if "hold_lock" in setup else None
    try:
        if "limit_file_size" in case:
            code, out, err = _subprocess(case["command"], work, case["limit_file_size"])
        else:
            monkeypatch.chdir(work)
            code = main(["--quiet", *case["command"]])
            out, err = capsys.readouterr()
    finally:
        if holder is not None:
            holder.kill()
            holder.wait()
    text = out if case.get("stream") == "stdout" else err
    assert code == case["exit"], err
    assert re.search(case["message"], text), text
    assert "Traceback" not in err and "unexpected" not in err
    for path in case.get("absent", []):
        assert not (work / path).exists(), f"{path} was left behind"
    leftovers = [p.name for p in work.rglob("*.tmp")]
    assert not leftovers, f"temporary files left behind: {leftovers}"
