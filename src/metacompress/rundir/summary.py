"""summary.json: written last, atomically, as strict JSON (NaN and infinities written as null).

summary.json (strict JSON, NaN written as null) holds: ``metacompress`` (version),
``format_version``, ``config`` (file name), ``config_sha256``, ``task``, ``lang``, ``seed``,
``resumed`` (this invocation continued an earlier one), ``provenance`` {versions, git_commit,
host, started}, ``models`` {teacher, student: {spec, fingerprint, description (the model's
`describe()`), weights_sha256 (None when the model does not expose one)}}, ``cache`` {model:
{queries, hits, misses} of this invocation}, ``timings`` {stage: seconds of this invocation,
total}, ``cpu_timings`` (the same, in CPU seconds of the running process), ``counts`` {examples, data, unique_inputs, variants {followup: {status: n}}, outputs
{model: {status: n, truncated}}, errors {"STAGE:KIND": n}, attacks {followup: {status: n}}},
``failed_followups`` {follow-up: {variants, reason}} of the follow-ups whose every variant
failed, ``warnings`` (lines: failed follow-ups, models whose classes look inverted),
``results`` {rates, scores, mcnemar (rows of those tables as objects), set_level, gaps
{accuracy_gap {value, low, high}, f1_gap, teacher_f1, student_f1, source and followups {n,
left_out, teacher_accuracy, student_accuracy, mcnemar {teacher_only, student_only, p_value}},
behaviour_gap {relation: {rate, low, high, applicable}}}}, ``gates`` (each {name, relation,
followup, kind, threshold, value, limit, passed, message}; passed iff value <= limit, value the
violation rate), ``passed``, ``tables`` {sqlite, exports}, and ``report_error`` when the reports
could not be written.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from metacompress.rundir.layout import SUMMARY_NAME
from metacompress.rundir.storage import write_atomic


def finite(value: Any) -> Any:
    """`value` with every NaN or infinity replaced by None (summary.json is strict JSON)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def write_summary(run_dir: Path, summary: dict[str, Any]) -> None:
    """Write `summary` to RUN_DIR/summary.json (indented, atomically)."""
    text = json.dumps(finite(summary), indent=2, default=str, allow_nan=False)
    write_atomic(run_dir / SUMMARY_NAME, text + "\n")


def read_summary(run_dir: Path) -> dict[str, Any]:
    """The summary of `run_dir`; {} when the run has not written one (yet)."""
    path = run_dir / SUMMARY_NAME
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
