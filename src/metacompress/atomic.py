"""Writing output files so that a failure never leaves a partial file under the final name.

Rule: a file is written under a temporary name beside its final one (``NAME.PID.tmp``), flushed
and fsynced, then renamed over the final name (`os.replace`, atomic on one file system); on any
failure the temporary file is removed and the final name keeps what it held before (or stays
absent). Output made of several files (an ONNX export with its tokenizer and spec) is written
into a staging folder beside its destination and moved into place entry by entry, the entry
that makes it usable last (`staged_folder`).

Storage failures (disk full, quota exceeded, file too large, read-only file system, permission
denied, from the OS or from SQLite) become a `StorageError` (a ConfigError: exit status 2) that
names the path (`storage_guard`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from metacompress.errors import ConfigError

STORAGE_ERRNOS = {
    errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM,
}  # fmt: skip
_STORAGE_MESSAGES = ("full", "readonly", "read-only", "unable to open", "disk i/o")


class StorageError(ConfigError):
    """An output cannot be written (disk full, read-only, not permitted)."""


@contextlib.contextmanager
def storage_guard(path: Path | str, *, exact: bool = False) -> Iterator[None]:
    """Turn 'disk full', 'read-only' and 'permission denied' into a StorageError naming the file
    the OS names, or `path` (a folder, or with `exact` the file written through a temporary)."""
    try:
        yield
    except sqlite3.OperationalError as error:
        if any(m in str(error).lower() for m in _STORAGE_MESSAGES):
            raise StorageError(f"cannot use the run store {path}: {error}") from error
        raise
    except OSError as error:
        if error.errno in STORAGE_ERRNOS:
            where = path if exact or not error.filename else error.filename
            raise StorageError(f"cannot write to {where}: {error.strerror}") from error
        raise


def temporary_name(path: Path) -> Path:
    """The temporary file `path` is written under before its rename (unique per process)."""
    return path.with_name(f"{path.name}.{os.getpid()}.tmp")


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """A temporary path to write `path`'s content to (for writers that take a file name);
    renamed to `path` when the block succeeds, removed when it fails."""
    path = Path(path)
    tmp = temporary_name(path)
    with storage_guard(path, exact=True):
        try:
            yield tmp
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise


@contextlib.contextmanager
def atomic_output(
    path: Path | str,
    mode: str = "w",
    *,
    opener: Callable[..., IO[Any]] = open,
    **open_args: Any,
) -> Iterator[IO[Any]]:
    """An open file whose content appears under `path` only once the block succeeds.

    `opener(tmp, mode, **open_args)` opens the temporary file (`open`, or a compressing opener
    such as `lzma.open`); the file is flushed and fsynced before the rename.
    """
    with atomic_path(path) as tmp, opener(tmp, mode, **open_args) as handle:
        yield handle
        handle.flush()
        with contextlib.suppress(AttributeError, OSError):  # compressed streams: no fileno
            os.fsync(handle.fileno())


def write_atomic(path: Path | str, data: str | bytes) -> Path:
    """Write `data` (text as UTF-8 with "\\n" line ends, or bytes) to `path` atomically."""
    if isinstance(data, bytes):
        with atomic_output(path, "wb") as handle:
            handle.write(data)
    else:
        with atomic_output(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(data)
    return Path(path)


@contextlib.contextmanager
def staged_folder(destination: Path | str, last: str | None = None) -> Iterator[Path]:
    """A staging folder whose entries are moved into `destination` when the block succeeds.

    Entries replace those of the same name (a folder replaces a folder); `last` names the entry
    moved last, the one that makes the output usable (e.g. a spec file). On failure the staging
    folder is removed and `destination` is untouched.
    """
    destination = Path(destination)
    staging = destination / f".staging.{os.getpid()}.tmp"
    with storage_guard(destination):
        destination.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        try:
            yield staging
            entries = sorted(staging.iterdir(), key=lambda p: (p.name == last, p.name))
            for entry in entries:
                target = destination / entry.name
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                os.replace(entry, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
