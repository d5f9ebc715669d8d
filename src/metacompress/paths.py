"""Why a path given by a user cannot be used, in one wording for every command.

`Path.exists()` answers False for a missing file, a symbolic link loop, a dangling link and a
folder one may not enter alike, so "not found" was reported for all four; `path_problem` asks
the OS and names the one that holds.
"""

from __future__ import annotations

import errno
import os


def path_problem(path: str | os.PathLike[str]) -> str | None:
    """None when `path` exists; else "not found", "a symbolic link loop", "a symbolic link to
    the missing TARGET", or the OS's reason (e.g. "Permission denied")."""
    try:
        os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            return f"a symbolic link to the missing {os.readlink(path)}"
        return "not found"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "a symbolic link loop"
        return error.strerror or str(error)
    return None

