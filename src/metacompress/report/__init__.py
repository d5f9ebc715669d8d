"""Reports of a run: HTML, Markdown, JSON, JUnit, and per-example CSV / Parquet tables.

`write_reports(run_dir, formats)` reads the run directory once into a `ReportData` per
teacher-student pair (`report.load`) and hands it to one serializer per format, so a new format
touches no check. The paper tables of the run (`report.tables`: effectiveness, robustness,
metamorphic, transfer, headline) are written to tables/paper/ (CSV, Parquet, LaTeX, Markdown)
and shown in the comparison section of the HTML and Markdown reports. report.* is the report
of the first student; a run with several students also gets report-STUDENT.* for each other.
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


#: The folder of tables/ that holds the paper tables.
PAPER_DIR = "paper"


def _write_pair(
    run_dir: Path, data: Any, formats: Sequence[str], suffix: str, tables: Sequence[Any]
) -> list[Path]:
    """The reports of one pair, named report{suffix}.*; the comparison section of `tables`
    in the HTML and Markdown reports when given."""
    written = []

    def name(fmt: str) -> Path:
        stem, dot, ext = FILE_NAMES[fmt].partition(".")
        return run_dir / f"{stem}{suffix}{dot}{ext}"

    if "html" in formats:
        from metacompress.report.html import render_html
        from metacompress.report.tables.html import comparison_section

        section = comparison_section(tables) if tables else ""
        written.append(_write(name("html"), render_html(data, section)))
    if "md" in formats:
        from metacompress.report.markdown import render_markdown
        from metacompress.report.tables.writers import to_markdown

        extra = "".join("\n" + to_markdown(t) for t in tables)
        written.append(_write(name("md"), render_markdown(data) + extra))
    if "json" in formats:
        body = _json_safe({**dataclasses.asdict(data), "passed": data.passed})
        written.append(_write(name("json"), json.dumps(body, indent=2, sort_keys=True,
                                                       allow_nan=False)))  # fmt: skip
    if "junit" in formats:
        from metacompress.report.junit import render_junit

        written.append(_write(name("junit"), render_junit(data)))
    return written


def write_reports(run_dir: Path | str, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write the reports of `run_dir` in `formats`; returns the files written."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ConfigError(f"unknown report format(s) {unknown}; expected some of {list(FORMATS)}")
    from metacompress.report.load import load_report_data
    from metacompress.report.tables import paper_tables, write_tables
    from metacompress.report.tables.collect import read_study
    from metacompress.rundir import TABLES_DIR, RunReader

    run_dir = Path(run_dir)
    tables = paper_tables([read_study(run_dir)])
    written = write_tables(tables, run_dir / TABLES_DIR / PAPER_DIR)
    with RunReader(run_dir) as run:
        students = run.students
    for i, student in enumerate(students):
        data = load_report_data(run_dir, student=student)
        suffix = "" if i == 0 else f"-{student}"
        written += _write_pair(run_dir, data, formats, suffix, tables if i == 0 else ())
    exports = [f for f in ("parquet", "csv") if f in formats]
    if exports:
        from metacompress.rundir import RunStore

        with RunStore(run_dir) as store:
            written.extend(store.export(run_dir / TABLES_DIR, exports))
    return written
