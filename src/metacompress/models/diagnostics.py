"""A model that is not reading its inputs: (nearly) the same output for every input.

A model whose tokenizer is missing or belongs to another model, whose weights did not load, or
that never learnt, gives every input (nearly) the same probabilities; every relation then
holds trivially (a student that always answers 0.5178 "agrees with itself"). Rule: over
n >= `MIN_INPUTS` scored inputs, the spread of P(positive),

    spread = max_i p_i - min_i p_i,

is below `SPREAD_TOLERANCE` = 1e-3 (a thousandth of the probability scale; a trained code
model spreads its inputs over tenths of it). With fewer inputs nothing is said. `check-model`
and `run` print the warning; a run also records it in summary.json.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Inputs needed before a constant output is called suspicious.
MIN_INPUTS = 10
#: Spread of P(positive) under which the outputs count as one output.
SPREAD_TOLERANCE = 1e-3


def looks_constant(low: float | None, high: float | None, n: int) -> bool:
    """Whether P(positive) between `low` and `high` over `n` inputs is (nearly) one output."""
    if low is None or high is None or n < MIN_INPUTS:
        return False
    return high - low < SPREAD_TOLERANCE


def constant_output_warning(low: float, high: float, n: int, who: str | None = None) -> str:
    """The warning for `looks_constant` (naming `who`, e.g. the model's role in a run)."""
    return (
        f"{f'the {who} model: ' if who else ''}P(positive) stays within [{low:.4f}, {high:.4f}] "
        f"on all {n} inputs: the model gives (nearly) one output whatever the input. Check that "
        "its tokenizer is its own (a folder without tokenizer files, or another model's "
        "tokenizer), that its weights loaded, and that it was trained"
    )


def constant_output_warnings(
    probs: Sequence[float] | np.ndarray, who: str | None = None
) -> list[str]:
    """[the warning] when the P(positive) values `probs` look constant, else []."""
    values = np.asarray(probs, dtype=np.float64)
    values = values[np.isfinite(values)]
    if not len(values):
        return []
    low, high = float(values.min()), float(values.max())
    if looks_constant(low, high, len(values)):
        return [constant_output_warning(low, high, len(values), who)]
    return []
