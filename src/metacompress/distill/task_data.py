"""The data of one study task, split the way the distillation studies split it.

- vulnerability (Devign, CodeXGLUE files `train.jsonl`, `valid.jsonl`, `test.jsonl`, optionally
  compressed): the training file is split by `split_labelled_unlabelled(seed)` into a labelled
  half (the teacher's) and an unlabelled half (the students'); pre-training reads the code of
  the whole training file.
- clone (BigCloneBench, CodeXGLUE `data.jsonl` plus pair files): `train.txt` is the labelled
  half, `train_unlabeled.txt` the unlabelled one (its labels are dropped), `valid.txt` and
  `test.txt` the evaluation pairs; pre-training reads every function of `data.jsonl`.

- synthetic (`synthetic_task_data`, the built-in benchmark of `metacompress.data.synth`): one
  seeded draw split into labelled, unlabelled (labels dropped), validation and test examples;
  pre-training reads the labelled and unlabelled code.

Rows the loaders skip are counted in `skipped` (per split), never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from metacompress.data.types import Example
from metacompress.errors import ConfigError

COMPRESSED = ("", ".xz", ".gz", ".bz2")


@dataclass
class TaskData:
    """Labelled (teacher) and unlabelled (student) training examples, validation and test
    examples, and the code masked-LM pre-training reads."""

    task: str
    labelled: list[Example]
    unlabelled: list[Example]
    valid: list[Example]
    test: list[Example]
    pretrain_codes: list[str]
    skipped: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, int]:
        return {
            "labelled": len(self.labelled),
            "unlabelled": len(self.unlabelled),
            "valid": len(self.valid),
            "test": len(self.test),
            "pretrain_codes": len(self.pretrain_codes),
            **{f"skipped_{k}": v for k, v in self.skipped.items()},
        }


def _find(folder: Path, stem: str) -> Path:
    for suffix in COMPRESSED:
        path = folder / f"{stem}{suffix}"
        if path.is_file():
            return path
    raise ConfigError(f"{folder}: expected {stem} (or {stem}.xz/.gz/.bz2), found none")


def load_task_data(task: str, folder: str | Path, seed: int = 0) -> TaskData:
    """The splits of `task` from a folder laid out as the CodeXGLUE files (see above)."""
    from metacompress.data.loaders import load_examples
    from metacompress.distill.pipeline import split_labelled_unlabelled

    folder = Path(folder)
    skipped: dict[str, int] = {}

    def load(name: str, **kwargs) -> list[Example]:
        result = load_examples(**kwargs)
        skipped[name] = len(result.skipped)
        return result.examples

    if task == "vulnerability":
        train = load("train", source=_find(folder, "train.jsonl"), task=task, format="devign")
        labelled, unlabelled = split_labelled_unlabelled(train, seed)
        valid = load("valid", source=_find(folder, "valid.jsonl"), task=task, format="devign")
        test = load("test", source=_find(folder, "test.jsonl"), task=task, format="devign")
        codes = [e.inputs[0] for e in train]
        return TaskData(task, labelled, unlabelled, valid, test, codes, skipped)
    if task == "clone":
        data = _find(folder, "data.jsonl")

        def pairs(name: str) -> list[Example]:
            return load(name, source=data, task=task, pairs=_find(folder, f"{name}.txt"))

        from metacompress.data.bigclonebench import check_function_columns, load_functions

        dropped: list = []
        functions, _ = load_functions(data, check_function_columns(None), dropped, [])
        skipped["functions"] = len(dropped)
        unlabelled = [replace(e, label=None) for e in pairs("train_unlabeled")]
        return TaskData(
            task,
            pairs("train"),
            unlabelled,
            pairs("valid"),
            pairs("test"),
            [e.inputs[0] for e in functions.values()],
            skipped,
        )
    raise ConfigError(f"task must be 'vulnerability' or 'clone', got {task!r}")


def synthetic_task_data(
    task: str, labelled: int, unlabelled: int, valid: int, test: int, seed: int = 0
) -> TaskData:
    """Splits of one seeded draw of the synthetic benchmark (see the module docstring)."""
    import random

    from metacompress.data.synth import generate

    examples = generate(task, labelled + unlabelled + valid + test, seed=seed)
    random.Random(seed).shuffle(examples)
    cuts = np.cumsum([labelled, unlabelled, valid])
    parts = np.split(np.arange(len(examples)), cuts)
    train, pool, dev, held = ([examples[i] for i in part] for part in parts)
    pool = [replace(e, label=None) for e in pool]
    codes = list(dict.fromkeys(c for e in train + pool for c in e.inputs))
    return TaskData(task, train, pool, dev, held, codes)
