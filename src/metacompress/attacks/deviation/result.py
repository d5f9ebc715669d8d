"""The result of a deviation search on one source, as it is written and read back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from metacompress.attacks.base import STATUSES, SUCCESS, _probs
from metacompress.code.edits import Edit
from metacompress.registry import check_choice


@dataclass(frozen=True)
class DeviationResult:
    """The outcome of one deviation search on one source.

    `status` is "success" (a triggering input was found), "failed" (none within the budget)
    or "skipped" (`reason` says why). `queries` counts the unique inputs scored by both models
    for this source, the source included; on success it is the number of queries to the first
    triggering input. `label` is the teacher's label on the source (`true_label` the data
    set's, when known). `inputs` is the triggering input (on failure: the input with the
    largest gap, None when none was asked about), with `edits` (one tuple per input, relative
    to the source), `steps` (operators in order) and `renamings` ((input index, old, new)).
    The `*_probs0` are (P(0), P(1)) of each model on the source, `*_probs` on `inputs`.
    """

    example_id: str
    status: str
    reason: str = ""
    queries: int = 0
    search: str = ""
    label: int | None = None
    true_label: int | None = None
    inputs: tuple[str, ...] | None = None
    edits: tuple[tuple[Edit, ...], ...] = ()
    steps: tuple[str, ...] = ()
    renamings: tuple[tuple[int, str, str], ...] = ()
    teacher_probs0: tuple[float, ...] | None = None
    student_probs0: tuple[float, ...] | None = None
    teacher_probs: tuple[float, ...] | None = None
    student_probs: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        check_choice("status", self.status, STATUSES)

    @property
    def found(self) -> bool:
        return self.status == SUCCESS

    def to_dict(self) -> dict[str, Any]:
        return {
            "example_id": self.example_id,
            "search": self.search,
            "status": self.status,
            "reason": self.reason,
            "queries": self.queries,
            "label": self.label,
            "true_label": self.true_label,
            "inputs": None if self.inputs is None else list(self.inputs),
            "edits": [[edit.to_dict() for edit in side] for side in self.edits],
            "steps": list(self.steps),
            "renamings": [list(r) for r in self.renamings],
            **{
                key: None if getattr(self, key) is None else list(getattr(self, key))
                for key in ("teacher_probs0", "student_probs0", "teacher_probs", "student_probs")
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeviationResult:
        inputs = data.get("inputs")
        return cls(
            example_id=str(data["example_id"]),
            status=str(data["status"]),
            reason=str(data.get("reason", "")),
            queries=int(data.get("queries", 0)),
            search=str(data.get("search", "")),
            label=data.get("label"),
            true_label=data.get("true_label"),
            inputs=None if inputs is None else tuple(inputs),
            edits=tuple(
                tuple(Edit.from_dict(edit) for edit in side) for side in data.get("edits", [])
            ),
            steps=tuple(data.get("steps", ())),
            renamings=tuple((int(i), str(a), str(b)) for i, a, b in data.get("renamings", [])),
            teacher_probs0=_probs(data.get("teacher_probs0")),
            student_probs0=_probs(data.get("student_probs0")),
            teacher_probs=_probs(data.get("teacher_probs")),
            student_probs=_probs(data.get("student_probs")),
        )
