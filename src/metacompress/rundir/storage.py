"""Writing to the run directory safely: storage errors named, files never half-written.

`check_writable(folder)` proves a folder can be written before a run starts. The rules for
every output file (`storage_guard`: "disk full", "read-only" and "permission denied" become a
`StorageError` naming the path; `write_atomic`: a temporary file and a rename) are those of
`metacompress.atomic`, re-exported here for the run directory's modules.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from metacompress.atomic import StorageError, storage_guard, write_atomic

__all__ = ["StorageError", "check_writable", "storage_guard", "write_atomic"]


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
