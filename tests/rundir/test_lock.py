"""One process at a time in a run directory: a second one gets a clear error."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from metacompress.rundir import RunStore
from metacompress.rundir.lock import RunDirectoryInUse

HOLDER = textwrap.dedent("""
    import sys
    from metacompress.rundir import RunStore
    store = RunStore(sys.argv[1])
    print("locked", flush=True)
    sys.stdin.readline()
    store.close()
    print("released", flush=True)
    sys.stdin.readline()
""")


def _holder(folder):
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert child.stdout.readline().strip() == "locked"
    return child


def test_a_second_process_is_refused_naming_the_folder_and_the_holder(tmp_path):
    child = _holder(tmp_path)
    try:
        with pytest.raises(RunDirectoryInUse, match=rf"{tmp_path} is in use .*pid {child.pid}\)"):
            RunStore(tmp_path)
        child.stdin.write("\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "released"
        RunStore(tmp_path).close()  # free again once the holder closed its store
    finally:
        child.kill()
        child.wait()


def test_a_killed_holder_leaves_no_lock_behind(tmp_path):
    child = _holder(tmp_path)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with RunStore(tmp_path) as store:
        assert store.count("examples") == 0
