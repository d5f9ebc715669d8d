"""How the text reports (HTML, Markdown) write numbers: one spelling of a rate, a value, an
interval and a missing number.

- a rate as a percentage with one decimal ("30.4%"); a signed difference ("+14.5%");
- a value with three decimals ("0.130");
- an interval as "value [low, high]", or the value alone when no interval was computed (NaN
  bounds);
- "–" for a number that is not there (None) and "n/a" for one that is undefined (NaN).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from metacompress.report.model import Interval


def pct(value: float | None) -> str:
    if value is None:
        return "–"
    return "n/a" if math.isnan(value) else f"{100 * value:.1f}%"


def signed_pct(value: float | None) -> str:
    if value is None:
        return "–"
    return "n/a" if math.isnan(value) else f"{100 * value:+.1f}%"


def num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def ci(interval: Interval | None, fmt: Callable[[float], str] = pct) -> str:
    """'value [low, high]', or the value alone when no interval was computed."""
    if interval is None:
        return "–"
    if math.isnan(interval.low) or math.isnan(interval.high):
        return fmt(interval.value)
    return f"{fmt(interval.value)} [{fmt(interval.low)}, {fmt(interval.high)}]"
