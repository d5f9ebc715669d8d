"""Set-up shared by the pipeline benchmarks that run on the built-in synthetic data.

`synthetic_config` is the run they share: the synthetic vulnerability benchmark (`n`
examples, seed 0 for the data, seed 1 for the run), the given follow-ups, every relation, 200
bootstrap resamples, no reports. `callable_pair` wraps one probability function as the teacher
and the student (fingerprints "t" and "s"), so the numbers are the pipeline's, not a model's.
`write_report` prints a benchmark's JSON report and writes it to `--out` when given.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


def synthetic_config(n: int, followups: Sequence[str], out: Path) -> Any:
    from metacompress.pipeline.config import parse_config

    return parse_config(
        {
            "task": "vulnerability",
            "seed": 1,
            "data": {"format": "synth", "n": n},
            "teacher": "synthetic-teacher",
            "student": "synthetic-student",
            "followups": list(followups),
            "statistics": {"bootstrap": 200},
            "report": [],
            "output": str(out),
        },
        base_dir=out.parent,
    )


def callable_pair(probs: Callable[[list[tuple[str, ...]]], Any]) -> dict[str, Any]:
    from metacompress.models import CallableClassifier

    return {
        "teacher": CallableClassifier(probs, "teacher", fingerprint="t"),
        "student": CallableClassifier(probs, "student", fingerprint="s"),
    }


def write_report(report: dict[str, Any], out: Path | None, quiet: bool = False) -> None:
    """`report` as JSON to `out` (when given) and, unless `quiet`, to stdout."""
    text = json.dumps(report, indent=2)
    if not quiet:
        print(text)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
