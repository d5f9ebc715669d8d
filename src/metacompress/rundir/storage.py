"""Writing to the run directory safely: storage errors named, files never half-written.

`storage_guard(path)` turns "disk full", "read-only" and "permission denied" (from SQLite or
the OS) into a `StorageError` (a ConfigError: exit status 2) that names the path;
`check_writable(folder)` proves a folder can be written before a run starts; `write_atomic`
writes a file through a temporary name and a rename.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from metacompress.errors import ConfigError

_STORAGE_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT}
_STORAGE_MESSAGES = ("full", "readonly", "read-only", "unable to open", "disk i/o")


class StorageError(ConfigError):
    """The run directory cannot be written (full, read-only, not permitted)."""


@contextlib.contextmanager
def storage_guard(path: Path) -> Iterator[None]:
    """Turn 'disk full', 'read-only' and 'permission denied' into a StorageError naming `path`."""
    try:
        yield
    except sqlite3.OperationalError as error:
        if any(m in str(error).lower() for m in _STORAGE_MESSAGES):
            raise StorageError(f"cannot write the run store {path}: {error}") from error
        raise
    except OSError as error:
        if error.errno in _STORAGE_ERRNOS:
            where = error.filename or path
            raise StorageError(f"cannot write to {where}: {error.strerror}") from error
        raise


def check_writable(folder: Path) -> None:
    """Create `folder` if needed and prove it can be written; StorageError names it if not."""
    probe = folder / ".metacompress-write-test"
    with storage_guard(folder):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with open(probe, "wb") as handle:
                handle.write(b"0" * 4096)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            raise StorageError(
                f"output folder {folder} is not writable: {error.strerror or error}"
            ) from error
        finally:
            with contextlib.suppress(OSError):
                probe.unlink()


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename (never half-written)."""
    tmp = path.with_name(path.name + ".tmp")
    with storage_guard(path):
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
