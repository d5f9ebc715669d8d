"""Inverted class polarity: is a binary classifier's accuracy so far below 0.5 that its classes
are probably read the wrong way round (the head convention, e.g. `positive_column`, is wrong)?

A classifier that has learnt anything scores above 0.5 when its classes are read the right way
round, and reading the other column would score 1 - accuracy. The rule is a one-sided exact
binomial test of the correct answers against chance:

    p = P(X <= correct),   X ~ Binomial(n, 1/2),

and the classes look inverted when accuracy < 0.5 and p < INVERTED_P_VALUE (0.01). With few
labelled examples p stays large, so a bad but honest model on a small sample is not accused.
"""

from __future__ import annotations

from metacompress.stats.distributions import binomial_cdf

#: The one-sided p-value under which an accuracy below 0.5 counts as inverted classes.
INVERTED_P_VALUE = 0.01


def inverted_p_value(accuracy: float, n: int) -> float:
    """P(X <= accuracy * n) for X ~ Binomial(n, 1/2): how surprising an accuracy this low is."""
    return binomial_cdf(round(accuracy * n), n, 0.5)


def looks_inverted(accuracy: float | None, n: int) -> bool:
    """Whether `accuracy` on `n` labelled examples says the classes are read inverted."""
    if accuracy is None or n == 0:
        return False
    return accuracy < 0.5 and inverted_p_value(accuracy, n) < INVERTED_P_VALUE


def inverted_warning(accuracy: float, n: int, who: str | None = None) -> str:
    """The warning `check-model` and `run` (naming `who`, the model's role) print when
    `looks_inverted`."""
    return (
        f"{f'the {who} model: ' if who else ''}accuracy {accuracy:.3f} is far below 0.5 on {n} labelled examples "
        f"(p = {inverted_p_value(accuracy, n):.2g}); the classes are probably inverted: check "
        "the format's head convention (positive_column)"
    )
