"""Release gates on the run's rates: the run's exit code is 1 when any gate fails.

A gate names a relation (or ``any-paper-relation``), a set (default ``all``: every follow-up
pooled, transformations and attacks; or ``transformations``, ``attacks``, ``source``, one
follow-up id), a measure and one limit, in either spelling:

- ``max_violation: R`` (``--max-violation RELATION[@FOLLOWUP][:MEASURE]=R``): fails when the
  measure exceeds R;
- ``fail_under: R`` (``--fail-under RELATION[@FOLLOWUP][:MEASURE]=R``, rates only): fails when
  1 - measure (the rate at which the relation holds) is below R. ``fail_under: 0.95`` and
  ``max_violation: 0.05`` are the same gate.

Measures (docs/relations.md): ``rate`` (violations / applicable pairs; the default of an
input-level relation), ``induced`` (violations among the pairs whose source pair holds: the
behaviour gap the follow-ups cause), ``difference`` (rate - source rate on the same examples)
and ``value`` (the score of a set-level relation such as ``ece-gap``; its only measure).

The gate reads the point estimate, not an interval bound. A gate whose measure is undefined
(nothing applicable, a set the run does not have) fails: a release gate does not pass on no
evidence.

A run with several students checks every gate on every teacher-student pair: one result per
gate and pair, named ``GATE [teacher/STUDENT]``; the run passes when every pair passes.

In the results every gate is stated as `value <= limit` (value = the measure, limit = R for
max_violation; for fail_under, value = the measure and limit = 1 - R), whichever spelling was
used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from metacompress.pipeline.rates import SET, Rate
from metacompress.pipeline.relation_specs import GateSpec


@dataclass(frozen=True)
class GateResult:
    """The outcome of one gate (see the module docstring for value and limit)."""

    name: str
    relation: str
    followup: str
    kind: str
    measure: str
    threshold: float
    value: float | None
    limit: float
    passed: bool
    message: str
    pair: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def evaluate_gate(gate: GateSpec, rates: Sequence[Rate], pair: str = "") -> GateResult:
    """Check one gate against the `rates` rows of one pair (`pair`, named in the result's
    name when given)."""
    rate = next(
        (r for r in rates if r.relation == gate.relation and r.followup == gate.followup), None
    )
    measure = gate.measure or ("value" if rate is not None and rate.level == SET else "rate")
    limit = gate.limit if gate.kind == "max_violation" else 1.0 - gate.limit
    value = None if rate is None else rate.measure(measure)
    name = f"{gate.label} [{pair}]" if pair else gate.label
    head = (name, gate.relation, gate.followup, gate.kind, measure, gate.limit)
    if value is None:
        why = "the run has no such set" if rate is None else (rate.reason or "undefined")
        return GateResult(*head, None, limit, False,
                          f"{measure} is n/a ({why}): nothing to judge", pair)  # fmt: skip
    if gate.kind == "max_violation":
        passed = value <= gate.limit
        message = f"{measure} {value:.4f} {'<=' if passed else '>'} {gate.limit:g}"
    else:
        passed = 1.0 - value >= gate.limit
        message = (
            f"holding rate ({measure}) {1.0 - value:.4f} {'>=' if passed else '<'} {gate.limit:g}"
        )
    if measure == "rate":
        message += f" ({rate.violations} of {rate.applicable} pairs violate)"
    elif measure == "induced":
        message += (f" ({rate.induced_violations} of {rate.induced_applicable} pairs whose "
                    "source pair holds violate)")  # fmt: skip
    return GateResult(*head, value, limit, passed, message, pair)


def evaluate_gates(gates: Sequence[GateSpec], rates: Sequence[Rate]) -> list[GateResult]:
    """Every gate on the rates of every pair (pairs named only when there are several)."""
    pairs = list(dict.fromkeys(r.pair for r in rates))
    if len(pairs) <= 1:
        return [evaluate_gate(gate, rates) for gate in gates]
    return [evaluate_gate(gate, [r for r in rates if r.pair == pair], pair)
            for gate in gates for pair in pairs]  # fmt: skip
