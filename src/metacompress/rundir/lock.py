"""One process at a time in a run directory: an OS file lock on RUN_DIR/run.lock.

`RunLock(run_dir)` takes an exclusive, non-blocking lock (`fcntl.flock` on POSIX,
`msvcrt.locking` on Windows) on the lock file and writes its process id into it; a second
process that asks for the same directory gets a ConfigError naming the folder and the process
that holds it, instead of working on the store at the same time. The OS drops the lock when the
holder exits, however it exits (a crash or `kill -9` included), so a lock never outlives its
process and there is nothing to clean up before `--resume`.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import IO

from metacompress.errors import ConfigError
from metacompress.rundir.layout import LOCK_NAME
from metacompress.rundir.storage import storage_guard


class RunDirectoryInUse(ConfigError):
    """Another process holds the run directory's lock."""


def _try_lock(handle: IO[str]) -> bool:
    """Take the exclusive lock without waiting; False when another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class RunLock:
    """The lock of one run directory, held from construction until `release`."""

    def __init__(self, run_dir: Path) -> None:
        self.path = Path(run_dir) / LOCK_NAME
        with storage_guard(self.path):
            self._handle: IO[str] | None = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115
        if not _try_lock(self._handle):
            self._handle.seek(0)
            holder = self._handle.read().strip() or "unknown"
            self._handle.close()
            self._handle = None
            raise RunDirectoryInUse(
                f"run directory {run_dir} is in use by another metacompress process "
                f"(pid {holder}); wait for it to finish, or choose another --out"
            )
        with contextlib.suppress(OSError):  # the pid only improves the message above
            self._handle.seek(0)
            self._handle.truncate()
            self._handle.write(f"{os.getpid()}\n")
            self._handle.flush()

    def release(self) -> None:
        """Drop the lock (closing the file releases it)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
