"""Writing examples as CodeXGLUE-like JSON Lines that `load_examples` reads back unchanged.

Vulnerability rows: `{"idx", "func", "target", ...meta}`; clone rows: `{"id", "func1", "func2",
"label", ...meta}`. An id made of digits is written as a number (as CodeXGLUE does), any other
id as a string. The loader's own bookkeeping (`line`, `source`, `flags`) is not written. A
`.gz`, `.xz` or `.bz2` suffix compresses the file. The file appears only when complete
(`metacompress.atomic`: a temporary name, then a rename).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from metacompress.atomic import atomic_output, storage_guard
from metacompress.data.textio import COMPRESSIONS
from metacompress.data.types import TASKS, Example
from metacompress.registry import check_choice

LOADER_META = ("line", "source", "flags")


def _id_value(example_id: str) -> int | str:
    """A canonical integer id ("7", not "07") as a number; any other id as a string."""
    digits = example_id.isascii() and example_id.isdigit()
    return int(example_id) if digits and str(int(example_id)) == example_id else example_id


def example_to_record(example: Example, task: str) -> dict[str, Any]:
    """The JSON object for one example (see the module docstring)."""
    check_choice("task", task, TASKS)
    extra = {k: v for k, v in example.meta.items() if k not in LOADER_META}
    if task == "vulnerability":
        record: dict[str, Any] = {"idx": _id_value(example.id), "func": example.inputs[0]}
        record["target"] = example.label
    else:
        record = {"id": _id_value(example.id), "func1": example.inputs[0]}
        record.update(func2=example.inputs[1], label=example.label)
    for key, value in extra.items():
        record.setdefault(key, value)
    return record


def write_jsonl(examples: Iterable[Example], path: str | os.PathLike[str], task: str) -> int:
    """Write `examples` to `path` as JSON Lines; returns the number of rows written."""
    target = Path(path)
    opener = COMPRESSIONS.get(target.suffix.lower(), open)
    count = 0
    with storage_guard(target):
        target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(target, "wt", opener=opener, encoding="utf-8") as handle:
        for example in examples:
            handle.write(json.dumps(example_to_record(example, task), ensure_ascii=False))
            handle.write("\n")
            count += 1
    return count
