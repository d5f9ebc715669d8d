"""The data formats: how examples are read from a source, one registered loader per format.

A format is a function `load(request: DataRequest) -> list[Example]`, registered with
`@data_format(NAME, description)` in any module of `metacompress.data`; `load_examples`
(`metacompress.data.loaders`) resolves ``auto`` to a format, calls it and draws the `limit`
sample. A loader never stops at a bad row: it appends it to `request.skipped` (or, loaded with
a caveat, to `request.flagged`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from metacompress.data.result import FlaggedRow, SkippedRow
from metacompress.data.rows import MAX_CODE_CHARS
from metacompress.data.types import Example
from metacompress.registry import Registry

DataLoader = Callable[["DataRequest"], list[Example]]

DATA_FORMATS: Registry[DataLoader] = Registry("data format", packages=("metacompress.data",))


def data_format(name: str, description: str) -> Callable[[DataLoader], DataLoader]:
    """Decorator: register a loader function under the format `name`."""
    return DATA_FORMATS.register(name, description)


@dataclass
class DataRequest:
    """What a format loader is asked for, and where it records the rows it skips or flags.

    `source`: a file, folder or hub id (None for a generated data set); `columns`: role ->
    column name; `pairs`: a pair file; `split`: a hub split or the files of one split in a
    folder; `n` and `seed`: how many examples a generator makes, and from which seed;
    `max_chars`: the longest code a row may hold (a longer one is skipped, "code too long").
    """

    source: str | os.PathLike[str] | None
    task: str
    columns: Mapping[str, str | None] | None = None
    pairs: str | os.PathLike[str] | None = None
    split: str | None = None
    n: int | None = None
    seed: int = 0
    max_chars: int = MAX_CODE_CHARS
    skipped: list[SkippedRow] = field(default_factory=list)
    flagged: list[FlaggedRow] = field(default_factory=list)
