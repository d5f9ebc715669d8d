"""The two values that flow through a run: an `Example` and a `Variant` of it.

Both are immutable. `inputs` is a tuple of code strings: one function for vulnerability
prediction, two methods for clone detection. A variant records how it was made (`origin`: a
transformation name, an attack name, or "source" for the unmodified input), the edits that made
it and the seed, so every follow-up input can be reproduced and shown as a diff.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SOURCE = "source"
TASKS = ("vulnerability", "clone")


@dataclass(frozen=True)
class Example:
    """One labelled (or unlabelled) input of a task; label 1 = vulnerable / clone."""

    id: str
    inputs: tuple[str, ...]
    label: int | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.inputs, tuple) or not self.inputs:
            raise ValueError(f"example {self.id!r}: inputs must be a non-empty tuple of strings")
        if not all(isinstance(x, str) for x in self.inputs):
            raise ValueError(f"example {self.id!r}: every input must be a string")
        if self.label is not None and self.label not in (0, 1):
            raise ValueError(f"example {self.id!r}: label must be 0, 1 or None, got {self.label!r}")


@dataclass(frozen=True)
class Variant:
    """A follow-up input derived from an example, with its provenance.

    `edits` holds one tuple of edits per input (see `metacompress.code.edits.Edit`), relative to
    the text it was applied to; `steps` names each transformation or attack step in order.
    """

    id: str
    example_id: str
    inputs: tuple[str, ...]
    origin: str
    edits: tuple[Any, ...] = ()
    seed: int | None = None
    steps: tuple[str, ...] = ()

    @classmethod
    def source(cls, example: Example) -> Variant:
        """The unmodified input of `example`, evaluated as the baseline of every relation."""
        return cls(
            id=f"{example.id}/{SOURCE}", example_id=example.id, inputs=example.inputs, origin=SOURCE
        )
