"""Release gates on violation rates: the run's exit code is 1 when any gate fails.

A gate names a relation, a follow-up set (default ``all``: every follow-up pooled, the source
baseline left out) and one limit, in either spelling:

- ``max_violation: R`` (``--max-violation RELATION[@FOLLOWUP]=R``): fails when the violation
  rate, violations / applicable pairs, exceeds R;
- ``fail_under: R`` (``--fail-under RELATION[@FOLLOWUP]=R``): fails when the rate at which the
  relation holds, 1 - violation rate, is below R. ``fail_under: 0.95`` and
  ``max_violation: 0.05`` are the same gate.

The gate reads the point estimate, not an interval bound. A gate whose relation applies to no
pair of its set fails: a release gate does not pass on no evidence.

In the results every gate is stated as `value <= limit` on the violation rate (value = the
violation rate, limit = R for max_violation and 1 - R for fail_under), whichever spelling was
used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from metacompress.pipeline.aggregate import Rate
from metacompress.pipeline.config import GateSpec


@dataclass(frozen=True)
class GateResult:
    """The outcome of one gate (see the module docstring for value and limit)."""

    name: str
    relation: str
    followup: str
    kind: str
    threshold: float
    value: float | None
    limit: float
    passed: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def evaluate_gate(gate: GateSpec, rates: Sequence[Rate]) -> GateResult:
    """Check one gate against the `rates` rows of a run."""
    rate = next(
        (r for r in rates if r.relation == gate.relation and r.followup == gate.followup), None
    )
    limit = gate.limit if gate.kind == "max_violation" else 1.0 - gate.limit
    if rate is None or rate.applicable == 0 or rate.rate is None:
        return GateResult(gate.label, gate.relation, gate.followup, gate.kind, gate.limit, None,
                          limit, False, "no applicable pair: nothing to judge")  # fmt: skip
    if gate.kind == "max_violation":
        passed = rate.rate <= gate.limit
        message = f"violation rate {rate.rate:.4f} {'<=' if passed else '>'} {gate.limit:g}"
    else:
        holding = (rate.applicable - rate.violations) / rate.applicable
        passed = holding >= gate.limit
        message = f"holding rate {holding:.4f} {'>=' if passed else '<'} {gate.limit:g}"
    message += f" ({rate.violations} of {rate.applicable} pairs violate)"
    return GateResult(gate.label, gate.relation, gate.followup, gate.kind, gate.limit, rate.rate,
                      limit, passed, message)  # fmt: skip


def evaluate_gates(gates: Sequence[GateSpec], rates: Sequence[Rate]) -> list[GateResult]:
    return [evaluate_gate(gate, rates) for gate in gates]
