"""What makes a finished run untrustworthy or suspect, judged from its tables.

- A follow-up whose every variant failed (status "error" or "timeout", none ok and none not
  applicable) tested nothing: the run is incomplete, whatever its gates say. `failed_followups`
  names each with its count and one recorded reason; `metacompress run` exits 2 for it after
  writing the whole run directory (the errors table holds every reason).
- A model whose accuracy on the labelled source inputs is far below 0.5 probably has its classes
  read the wrong way round (`metacompress.stats.polarity`, the rule `check-model` uses): a
  warning, as the numbers are still what the model says.
- A model that gave (nearly) one output to every input it scored is not reading its inputs
  (`metacompress.models.diagnostics`, also the rule of `check-model`): a warning.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from metacompress.data.types import SOURCE
from metacompress.models.diagnostics import constant_output_warning, looks_constant
from metacompress.pipeline.variants import ERROR, TIMEOUT
from metacompress.rundir import queries
from metacompress.stats.polarity import inverted_warning, looks_inverted


def failed_followups(
    variants: Mapping[str, Mapping[str, int]], reason_of: Any
) -> dict[str, dict[str, Any]]:
    """{follow-up: {variants, reason}} of every follow-up whose variants all failed.

    `variants` is ``counts["variants"]`` ({follow-up: {status: n}}); `reason_of(followup)`
    gives one recorded reason."""
    failed = {}
    for followup, by_status in variants.items():
        total = sum(by_status.values())
        broken = by_status.get(ERROR, 0) + by_status.get(TIMEOUT, 0)
        if followup != SOURCE and total and broken == total:
            failed[followup] = {"variants": total, "reason": reason_of(followup)}
    return failed


def constant_output_warnings(store: Any) -> list[str]:
    """One line per model whose outputs in the run look constant."""
    return [
        constant_output_warning(low, high, n, model)
        for model, low, high, n in queries.output_ranges(store)
        if looks_constant(low, high, n)
    ]


def run_warnings(scores: Iterable[Mapping[str, Any]], failed: Mapping[str, Any]) -> list[str]:
    """One line per problem: failed follow-ups, then models whose classes look inverted."""
    lines = [
        f"every variant of follow-up {name!r} failed ({info['variants']} of them; e.g. "
        f"{info['reason']}); it tested nothing"
        for name, info in failed.items()
    ]
    for score in scores:
        if score["followup"] == SOURCE and looks_inverted(score["accuracy"], score["labelled"]):
            lines.append(inverted_warning(score["accuracy"], score["labelled"], score["model"]))
    return lines
