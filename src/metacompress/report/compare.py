"""`compare`: runs and studies made separately, merged into one set of paper tables.

Inputs may differ in task, teacher, machine and seed. They must agree on what makes their
numbers comparable, else they are refused with a message naming the difference:
- the relations and their parameters (definitions, thresholds);
- the statistics settings (confidence level);
- the versions of the metrics (metacompress) and of the run directory format;
- within one task, the data sample (the same examples, labels and inputs).
With `allow_mismatch`, each difference becomes a note of every table instead.

Merging: each input is one study (`collect.read_study`); a teacher that differs between two
studies of one task but carries the same name is told apart by its fingerprint; students of
one method over several seeds are grouped (`tables.seeds`). `compare.json` in the output folder
lists the inputs and their identities.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from metacompress.atomic import write_atomic
from metacompress.errors import ConfigError
from metacompress.report.tables import Table, paper_tables, write_tables
from metacompress.report.tables.collect import read_study
from metacompress.report.tables.study import StudyResults
from metacompress.report.tables.writers import FORMATS

#: identity key -> what it means, for the messages (relations and data have their own).
CHECKS = {
    "confidence": "confidence levels",
    "metacompress": "metacompress (metric) versions",
    "format_version": "run directory formats",
}


def _relation_differences(first: Any, other: Any, base: str, name: str) -> list[str]:
    mine = {r[0]: r[1:] for r in first or []}
    theirs = {r[0]: r[1:] for r in other or []}
    found = [f"relation {r} is in {base} only" for r in mine if r not in theirs]
    found += [f"relation {r} is in {name} only" for r in theirs if r not in mine]
    found += [
        f"relation {r} is defined as {_show(mine[r])} in {base}, {_show(theirs[r])} in {name}"
        for r in mine
        if r in theirs and mine[r] != theirs[r]
    ]
    return found


def differences(studies: Sequence[StudyResults], names: Sequence[str]) -> list[str]:
    """Every way in which the studies are not comparable, one sentence each."""
    first, base = studies[0].identity, names[0]
    found = []
    for study, name in zip(studies[1:], names[1:], strict=True):
        other = study.identity
        found += _relation_differences(first.get("relations"), other.get("relations"), base, name)
        found += [
            f"{what} differ: {_show(first.get(key))} in {base}, {_show(other.get(key))} in {name}"
            for key, what in CHECKS.items()
            if first.get(key) != other.get(key)
        ]
    seen: dict[str, tuple[str, Any]] = {}
    for study, name in zip(studies, names, strict=True):
        identity = study.identity
        if study.task in seen and seen[study.task][1].get("data") != identity.get("data"):
            other_name, other = seen[study.task]
            found.append(
                f"data samples differ for task {study.task}: {other_name} has "
                f"{other.get('examples')} examples (sha256 {str(other.get('data'))[:12]}), "
                f"{name} has {identity.get('examples')} (sha256 {str(identity.get('data'))[:12]})"
            )
        seen.setdefault(study.task, (name, identity))
    return found


def _show(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 160 else text[:157] + "..."


def _distinct_teachers(studies: list[StudyResults]) -> list[StudyResults]:
    """Give a teacher shared by name but not by fingerprint within one task its fingerprint."""
    seen: dict[tuple[str, str], set[str]] = {}
    for study in studies:
        key = (study.task, study.teacher.method)
        seen.setdefault(key, set()).add(str(study.identity.get("teacher", "")))
    fixed = []
    for study in studies:
        fingerprint = str(study.identity.get("teacher", ""))
        if len(seen[(study.task, study.teacher.method)]) > 1 and fingerprint:
            label = f"{study.teacher.method}-{fingerprint[:8]}"
            models = tuple(dataclasses.replace(m, method=label) if m is study.teacher else m
                           for m in study.models)  # fmt: skip
            study = dataclasses.replace(study, models=models)
        fixed.append(study)
    return fixed


def compare(
    dirs: Sequence[Path | str],
    out: Path | str | None = None,
    *,
    allow_mismatch: bool = False,
    formats: Sequence[str] = FORMATS,
) -> list[Table]:
    """The paper tables of the runs or studies in `dirs`, merged; written to `out` when given
    (each table as CSV, Parquet, LaTeX and Markdown, and `compare.json`)."""
    if not dirs:
        raise ConfigError("compare needs at least one run or study directory")
    names = [str(d) for d in dirs]
    if len(set(names)) != len(names):
        raise ConfigError(f"a directory is given twice: {names}")
    studies = [read_study(d) for d in dirs]
    found = differences(studies, names)
    if found and not allow_mismatch:
        raise ConfigError(
            "the runs are not comparable: " + "; ".join(found)
            + ". Pass --allow-mismatch to merge them anyway (the differences go into the "
            "tables' notes)"
        )  # fmt: skip
    notes = [f"Compared despite a difference: {d}." for d in found]
    tables = paper_tables(_distinct_teachers(studies), notes=notes)
    if out is not None:
        folder = Path(out)
        write_tables(tables, folder, formats)
        record = {"inputs": [{"dir": n, "task": s.task, "dataset": s.dataset,
                              "identity": s.identity} for n, s in zip(names, studies, strict=True)],
                  "differences": found}  # fmt: skip
        text = json.dumps(record, indent=2, sort_keys=True, default=str) + "\n"
        write_atomic(folder / "compare.json", text)
    return tables
