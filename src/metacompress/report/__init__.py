"""Reports of a run: HTML, Markdown, JSON, JUnit, and per-example CSV / Parquet tables.

`write_reports(run_dir, formats)` reads the run directory into a `ReportData` per
teacher-student pair (`report.load`) and hands it to the writer of each format
(`report.formats`: one registered writer per format, so a new format touches no check). The
paper tables of the run (`report.tables`: effectiveness, robustness, metamorphic, transfer,
headline) are written to tables/paper/ (CSV, Parquet, LaTeX, Markdown) and shown in the
comparison section of the HTML and Markdown reports. report.* is the report of the first
student; a run with several students also gets report-STUDENT.* for each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from metacompress.errors import ConfigError

#: The folder of tables/ that holds the paper tables.
PAPER_DIR = "paper"


def write_reports(run_dir: Path | str, formats: Sequence[str] | None = None) -> list[Path]:
    """Write the reports of `run_dir` in `formats` (default: every registered format);
    returns the files written."""
    from metacompress.atomic import write_atomic
    from metacompress.report.formats import PAIR, REPORT_FORMATS, PairReport, pair_file
    from metacompress.report.load import load_report_data
    from metacompress.report.tables import paper_tables, write_tables
    from metacompress.report.tables.collect import read_study
    from metacompress.rundir import TABLES_DIR, RunReader

    known = REPORT_FORMATS.names()
    formats = known if formats is None else list(formats)
    unknown = sorted(set(formats) - set(known))
    if unknown:
        raise ConfigError(f"unknown report format(s) {unknown}; expected some of {known}")
    run_dir = Path(run_dir)
    tables = paper_tables([read_study(run_dir)])
    written = write_tables(tables, run_dir / TABLES_DIR / PAPER_DIR)
    entries = [REPORT_FORMATS.entry(name) for name in formats]
    with RunReader(run_dir) as run:
        students = run.students
    for i, student in enumerate(students):
        pair = PairReport(load_report_data(run_dir, student=student), tables if i == 0 else ())
        suffix = "" if i == 0 else f"-{student}"
        for entry in (e for e in entries if e.meta["scope"] == PAIR):
            path = run_dir / pair_file(entry.meta["file"], suffix)
            written.append(write_atomic(path, entry.obj(pair)))
    for entry in (e for e in entries if e.meta["scope"] != PAIR):
        written.extend(entry.obj(run_dir))
    return written
