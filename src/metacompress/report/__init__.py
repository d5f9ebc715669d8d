"""Reports of a run: HTML, Markdown, JSON, JUnit, and per-example CSV / Parquet tables.

`write_reports(run_dir, formats)` reads the run directory once into a `ReportData`
(`report.load`) and hands it to one serializer per format, so a new format touches no check.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from metacompress.atomic import write_atomic as _write
from metacompress.errors import ConfigError

FORMATS = ("html", "md", "json", "junit", "csv", "parquet")
FILE_NAMES = {
    "html": "report.html",
    "md": "report.md",
    "json": "report.json",
    "junit": "report.junit.xml",
}


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def write_reports(run_dir: Path | str, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write the reports of `run_dir` in `formats`; returns the files written."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ConfigError(f"unknown report format(s) {unknown}; expected some of {list(FORMATS)}")
    from metacompress.report.load import load_report_data

    run_dir = Path(run_dir)
    data = load_report_data(run_dir)
    written: list[Path] = []
    if "html" in formats:
        from metacompress.report.html import render_html

        written.append(_write(run_dir / FILE_NAMES["html"], render_html(data)))
    if "md" in formats:
        from metacompress.report.markdown import render_markdown

        written.append(_write(run_dir / FILE_NAMES["md"], render_markdown(data)))
    if "json" in formats:
        body = _json_safe({**dataclasses.asdict(data), "passed": data.passed})
        written.append(
            _write(
                run_dir / FILE_NAMES["json"],
                json.dumps(body, indent=2, sort_keys=True, allow_nan=False),
            )
        )
    if "junit" in formats:
        from metacompress.report.junit import render_junit

        written.append(_write(run_dir / FILE_NAMES["junit"], render_junit(data)))
    tables = [f for f in ("parquet", "csv") if f in formats]
    if tables:
        from metacompress.rundir import TABLES_DIR, RunStore

        with RunStore(run_dir) as store:
            written.extend(store.export(run_dir / TABLES_DIR, tables))
    return written
