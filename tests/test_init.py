"""The public API: every name resolves, lazily (importing metacompress loads no model library)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import metacompress

SOURCE = str(Path(metacompress.__file__).resolve().parents[1])


def test_importing_the_package_imports_no_model_library():
    code = (
        "import sys, metacompress as mc\n"
        "assert mc.TRANSFORMS.names() and mc.RELATIONS.names()\n"
        "print(sorted(m for m in ('torch', 'transformers', 'ray', 'onnxruntime') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": SOURCE}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_every_exported_name_resolves_and_unknown_names_are_attribute_errors():
    for name in metacompress.__all__:
        assert getattr(metacompress, name) is not None
    assert set(metacompress.__all__) <= set(dir(metacompress))
    assert metacompress.family("executors") is metacompress.EXECUTORS
    with pytest.raises(AttributeError, match="no attribute 'compare_runs'"):
        metacompress.compare_runs  # noqa: B018
