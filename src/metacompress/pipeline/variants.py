"""Stage 2: follow-up inputs made by transformations (pure units of work, run by an executor).

Each (example, follow-up) pair is one unit. Its seed is `derive_seed(seed, example id, follow-up
id)`, so a unit's result depends on nothing but the unit: not on the order, the chunking, the
worker that runs it or whether the run was resumed. A unit runs under the per-input watchdog
(`executor.time_limit`); a transformation that raises or runs out of time gives a variant with
status "error" or "timeout" and the reason, and the run goes on. With several workers, a unit
that kills its worker process (out of memory, a crash in native code) is recorded as an error
too (`runner.Runner.make_variants`); with one worker it runs in the run's own process.

A transformation of a clone pair is applied to the inputs chosen by `sides` (all, first,
second), each with its own seed `derive_seed(unit seed, side)`; the variant exists when at least
one input changed. A k-step combination is the code layer's `compose` transformation, whose
steps and per-step edits are recorded like any other's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from metacompress.hashing import derive_seed, input_key
from metacompress.pipeline.followups import FollowupSpec
from metacompress.pipeline.watchdog import UnitTimeout, time_limit
from metacompress.rundir.store import dumps

OK, NOT_APPLICABLE, ERROR, TIMEOUT = "ok", "not-applicable", "error", "timeout"


def variant_id(example_id: str, followup: str) -> str:
    """EXAMPLE/FOLLOWUP: unique, since a follow-up id holds no ``/`` (`followups.ID_SEPARATOR`)."""
    return f"{example_id}/{followup}"


@dataclass(frozen=True)
class VariantUnit:
    """One (example, follow-up) unit of work for a transformation follow-up."""

    example_id: str
    inputs: tuple[str, ...]
    followup: FollowupSpec
    lang: str
    seed: int
    time_limit: float


@dataclass(frozen=True)
class VariantOutcome:
    """What a unit produced: a follow-up input (status ok) or why there is none.

    `steps[j]` names the steps applied to input j; `edits[j][s]` are the edits of step s to
    input j, as dicts {start, end, replacement} in byte offsets of that step's input text.
    """

    example_id: str
    followup: str
    status: str
    reason: str
    seed: int
    steps: tuple[tuple[str, ...], ...] = ()
    edits: tuple[tuple[tuple[dict[str, Any], ...], ...], ...] = ()
    inputs: tuple[str, ...] | None = None

    @property
    def variant_id(self) -> str:
        return variant_id(self.example_id, self.followup)


def _edit_dicts(edits: Sequence[Any]) -> tuple[dict[str, Any], ...]:
    return tuple(e.to_dict() if hasattr(e, "to_dict") else dict(e) for e in edits)


def _steps_of(transform: Any, code: str, lang: str, seed: int) -> tuple[str, tuple, list[str]]:
    """Apply one transformation: (new code, edits of each step, step names), or (code, (),
    [the reason it does not apply])."""
    result = transform.apply(code, lang, seed)
    if not result.applicable:
        return code, (), [result.reason]
    names = list(result.steps) or [transform.name]
    steps = getattr(result, "step_edits", ()) or (result.edits,)
    return result.code, tuple(_edit_dicts(edits) for edits in steps), names


def _side_indices(sides: str, n: int) -> list[int]:
    if sides == "first":
        return [0]
    if sides == "second":
        return [min(1, n - 1)]
    return list(range(n))


def _transform_side(unit: VariantUnit, code: str, side: int) -> tuple[str, tuple, tuple, str]:
    """(code, edits per step, step names, reason when it does not apply) for one input."""
    from metacompress.code.transform import TRANSFORMS

    spec = unit.followup
    transform = TRANSFORMS.create(spec.component, **spec.params)
    new_code, edits, names = _steps_of(transform, code, unit.lang, derive_seed(unit.seed, side))
    if not edits:
        return code, (), (), names[0]
    return new_code, edits, tuple(names), ""


def _make(unit: VariantUnit) -> VariantOutcome:
    n = len(unit.inputs)
    new_inputs = list(unit.inputs)
    steps: list[tuple[str, ...]] = [()] * n
    edits: list[tuple] = [()] * n
    reasons: list[str] = []
    for side in _side_indices(unit.followup.sides, n):
        code, side_edits, names, reason = _transform_side(unit, unit.inputs[side], side)
        if side_edits:
            new_inputs[side], steps[side], edits[side] = code, names, side_edits
        else:
            reasons.append(reason if n == 1 else f"input {side + 1}: {reason}")
    name = unit.followup.name
    if not any(edits):
        return VariantOutcome(unit.example_id, name, NOT_APPLICABLE, "; ".join(reasons), unit.seed)
    return VariantOutcome(
        unit.example_id, name, OK, "", unit.seed, tuple(steps), tuple(edits), tuple(new_inputs)
    )


def make_variant(unit: VariantUnit) -> VariantOutcome:
    """Run one unit under its watchdog; failures become outcomes with a reason, never raise."""
    try:
        with time_limit(unit.time_limit):
            return _make(unit)
    except UnitTimeout as error:
        return VariantOutcome(unit.example_id, unit.followup.name, TIMEOUT, str(error), unit.seed)
    except Exception as error:  # a bad input or a faulty transformation: record, go on
        reason = f"{type(error).__name__}: {error}"
        return VariantOutcome(unit.example_id, unit.followup.name, ERROR, reason, unit.seed)


def variant_row(o: VariantOutcome) -> tuple:
    """The ``variants`` row of an outcome (`metacompress.rundir.schema`)."""
    steps = [list(s) for s in o.steps]
    edits = [[list(step) for step in side] for side in o.edits]
    inputs = None if o.inputs is None else dumps(list(o.inputs))
    key = None if o.inputs is None else input_key(o.inputs)
    return (o.variant_id, o.example_id, o.followup, o.status, o.reason, o.seed, dumps(steps),
            dumps(edits), inputs, key)  # fmt: skip


def error_rows(o: VariantOutcome, stage: str) -> list[tuple]:
    """The ``errors`` row of an outcome that failed or ran out of time (none otherwise)."""
    if o.status not in (ERROR, TIMEOUT):
        return []
    return [(stage, o.example_id, o.followup, "", o.status, o.reason)]
