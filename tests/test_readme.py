"""The README's notebook example runs as written (in a fresh process, in a scratch folder)."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import metacompress

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path(metacompress.__file__).resolve().parents[1]


def notebook_example() -> str:
    """The first python block of the README's "From Python" section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## From Python") :]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)


def test_the_notebook_example_runs(tmp_path):
    code = notebook_example()
    assert 10 <= len(code.strip().splitlines()) <= 25
    env = {**os.environ, "PYTHONPATH": str(SOURCE), "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"(True|False) \['.+'\]", lines[-4])  # passed, and the gate's message
    assert lines[-3].startswith("[{'relation': ")  # the rates table, as rows
    accuracies = ast.literal_eval(lines[-1])  # the paper's effectiveness table: both models
    assert len(accuracies) == 2 and all(0.0 <= a <= 1.0 for a in accuracies)
    assert (tmp_path / "runs" / "notebook" / "page.html").read_text().startswith("<!DOCTYPE")
    assert (tmp_path / "runs" / "notebook" / "tables" / "verdicts.parquet").is_file()
