"""Writing to the run directory safely: storage errors named, files never half-written.

`check_writable(folder)` proves a folder can be written before a run starts; `store_guard(path)`
turns a run.sqlite that SQLite cannot read (truncated, overwritten, not a database) into a
`CorruptStoreError` naming the file, wherever a query finds out. The rules for
every output file (`storage_guard`: "disk full", "read-only" and "permission denied" become a
`StorageError` naming the path; `write_atomic`: a temporary file and a rename) are those of
`metacompress.atomic`, re-exported here for the run directory's modules.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from metacompress.atomic import StorageError, storage_guard, write_atomic
from metacompress.errors import ConfigError

__all__ = [
    "CorruptStoreError", "StorageError", "check_writable", "store_guard", "storage_guard",
    "write_atomic",
]  # fmt: skip


class CorruptStoreError(ConfigError):
    """run.sqlite cannot be read: truncated, overwritten, or not a SQLite database."""


@contextlib.contextmanager
def store_guard(path: Path) -> Iterator[None]:
    """`storage_guard`, and a CorruptStoreError naming `path` when SQLite finds the file is not
    a readable database ("file is not a database", "database disk image is malformed")."""
    with storage_guard(path):
        try:
            yield
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError):  # locks, missing tables, storage
                raise
            raise CorruptStoreError(
                f"{path} cannot be read: {error} (the file is truncated or is not a run store); "
                "fix: run again with another --out, or restore the file from a copy"
            ) from None


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
