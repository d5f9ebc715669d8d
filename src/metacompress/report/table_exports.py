"""The per-example tables as report formats: tables/TABLE.csv and tables/TABLE.parquet.

The files are the run directory's deterministic exports (`metacompress.rundir.exports`); asking
for them as a report format writes them again from run.sqlite.
"""

from __future__ import annotations

from pathlib import Path

from metacompress.report.formats import run_report
from metacompress.rundir import TABLES_DIR, RunStore


def _export(run_dir: Path, table_format: str) -> list[Path]:
    with RunStore(run_dir) as store:
        return store.export(run_dir / TABLES_DIR, [table_format])


@run_report("csv", "the per-example tables as CSV (tables/*.csv)")
def write_csv(run_dir: Path) -> list[Path]:
    return _export(run_dir, "csv")


@run_report("parquet", "the per-example tables as Parquet (tables/*.parquet)")
def write_parquet(run_dir: Path) -> list[Path]:
    return _export(run_dir, "parquet")
