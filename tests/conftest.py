"""Shared fixtures: where the shared benchmark data lives, and a skip when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(
    os.environ.get(
        "METACOMPRESS_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
    )
).resolve()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The ../shared/data folder; tests that need it are skipped when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder not found at {SHARED_DATA} (set METACOMPRESS_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture
def make_read_only():
    """make_read_only(folder): no file can be created in `folder` until the test ends.

    chmod a-w for an ordinary user; for root, whom permissions do not stop, the immutable
    attribute (chattr +i). Skips when neither works here."""
    import shutil
    import stat
    import subprocess

    changed: list[tuple[Path, str, int]] = []

    def make(folder: Path) -> Path:
        mode = folder.stat().st_mode
        if os.geteuid() != 0:
            folder.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
            changed.append((folder, "chmod", mode))
        else:
            chattr = shutil.which("chattr")
            done = chattr and subprocess.run([chattr, "+i", str(folder)], capture_output=True)
            if not done or done.returncode != 0:
                pytest.skip("cannot make a folder read-only here (root without chattr +i)")
            changed.append((folder, "chattr", mode))
        return folder

    yield make
    for folder, how, mode in reversed(changed):
        if how == "chmod":
            folder.chmod(mode)
        else:
            subprocess.run(["chattr", "-i", str(folder)], check=False)


@pytest.fixture(autouse=True)
def _own_shared_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own shared prediction cache (never the user's ~/.cache), so no test
    is served another test's predictions."""
    monkeypatch.setenv("METACOMPRESS_CACHE_DIR", str(tmp_path_factory.mktemp("shared-cache")))
