"""Report formats: one writer per output format, registered (a new format touches no check).

Two kinds, registered in `REPORT_FORMATS` from any module of `metacompress.report`:

- a pair format (`@pair_report(NAME, FILE, description)`) renders one teacher-student pair,
  `render(PairReport) -> str`, written to RUN_DIR/FILE for the first student and to
  RUN_DIR/STEM-STUDENT.EXT for every other (html, md, json, junit);
- a run format (`@run_report(NAME, description)`) writes files of the whole run,
  `write(run_dir) -> [paths]` (the csv and parquet table exports).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metacompress.registry import Registry
from metacompress.report.model import ReportData

PAIR, RUN = "pair", "run"

REPORT_FORMATS: Registry[Callable[..., Any]] = Registry(
    "report format", packages=("metacompress.report",)
)


@dataclass(frozen=True)
class PairReport:
    """What a pair format renders: the pair's `data` and, for the first pair, the run's paper
    `tables` (`report.tables`) for the comparison section."""

    data: ReportData
    tables: Sequence[Any] = ()


def pair_report(
    name: str, file_name: str, description: str
) -> Callable[[Callable[[PairReport], str]], Callable[[PairReport], str]]:
    """Decorator: register `render(PairReport) -> str` as the pair format `name`, written to
    RUN_DIR/`file_name` (RUN_DIR/STEM-STUDENT.EXT for a further student)."""
    return REPORT_FORMATS.register(name, description, scope=PAIR, file=file_name)


def run_report(
    name: str, description: str
) -> Callable[[Callable[[Path], list[Path]]], Callable[[Path], list[Path]]]:
    """Decorator: register `write(run_dir) -> [paths]` as the run format `name`."""
    return REPORT_FORMATS.register(name, description, scope=RUN)


def pair_file(file_name: str, suffix: str) -> str:
    """report.html with suffix "-morph" -> report-morph.html."""
    stem, dot, ext = file_name.partition(".")
    return f"{stem}{suffix}{dot}{ext}"
