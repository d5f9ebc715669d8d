"""The constant-output rule: a spread of P(positive) under 1e-3 over at least ten inputs."""

import numpy as np

from metacompress.models.diagnostics import (
    MIN_INPUTS,
    SPREAD_TOLERANCE,
    constant_output_warnings,
    looks_constant,
)


def test_one_output_for_every_input_is_flagged_with_the_range_and_the_advice():
    warnings = constant_output_warnings(np.full(12, 0.5178), who="student")
    assert len(warnings) == 1
    assert warnings[0].startswith("the student model: P(positive) stays within [0.5178, 0.5178]")
    assert "tokenizer" in warnings[0] and "12 inputs" in warnings[0]


def test_spread_and_count_decide():
    assert looks_constant(0.3, 0.3 + SPREAD_TOLERANCE / 2, MIN_INPUTS)
    assert not looks_constant(0.3, 0.3 + 2 * SPREAD_TOLERANCE, MIN_INPUTS)
    assert not looks_constant(0.3, 0.3, MIN_INPUTS - 1)  # too few inputs to judge
    assert not looks_constant(None, None, 0)
    assert constant_output_warnings(np.linspace(0.1, 0.9, 50)) == []
    assert constant_output_warnings([]) == []
