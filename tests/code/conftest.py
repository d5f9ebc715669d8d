"""The code tests import their helpers (`catalogue_checks`, `juliet`, `kr_forms`) from beside this
file; the Juliet test cases are a session fixture."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def juliet(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    """The Juliet test cases, extracted and ready to compile (see juliet.py)."""
    from juliet import ARCHIVE, extract

    archive = shared_data / ARCHIVE
    if not archive.is_file():
        pytest.skip(f"Juliet archive not found at {archive}")
    return extract(archive, tmp_path_factory.mktemp("juliet"))
