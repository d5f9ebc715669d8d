"""The JSON report: every number of `ReportData` as strict JSON (NaN written as null)."""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

from metacompress.report.formats import PairReport, pair_report


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


@pair_report("json", "report.json", "every number of the report as JSON")
def json_report(pair: PairReport) -> str:
    """The report as JSON: the fields of ReportData and `passed`, keys sorted."""
    data = pair.data
    body = _json_safe({**dataclasses.asdict(data), "passed": data.passed})
    return json.dumps(body, indent=2, sort_keys=True, allow_nan=False)
