"""The story of a reproduce in a few lines, read from its paper tables (nothing recomputed).

Per task and teacher (a row group of the tables), per student:
- accuracy gap = teacher's score - student's score on the clean inputs, in points, where the
  score is the one teachers are selected by (accuracy for vulnerability, F1 for clone), both
  from the effectiveness table;
- induced disagreement: the `prediction-agreement` induced rate on the pooled transformations
  and on the pooled attacks (metamorphic table);
- attack drops: per attack, the student's relative drop against the teacher's, as the
  robustness table gives them (drop_increase = 100 (d_S - d_T) / d_T).
Then the headline table's lines. Written to `summary.md` in the reproduce directory.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

SCORE = {"vulnerability": "accuracy", "clone": "f1"}
AGREEMENT = "prediction-agreement"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _percent(text: str) -> str:
    return f"{100 * float(text):.1f} %" if text else "n/a"


def _groups(rows: list[dict[str, str]]) -> dict[tuple[str, str], list[dict[str, str]]]:
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in rows:
        groups.setdefault((row["task"], row["teacher"]), []).append(row)
    return groups


def _student_lines(task: str, models: list[dict[str, str]], tables: dict) -> Iterator[str]:
    score = SCORE.get(task, "accuracy")
    teacher = next(r for r in models if r["role"] == "teacher")
    yield f"- teacher: {score} {_percent(teacher[score])}"
    for row in (r for r in models if r["role"] == "student"):
        gap = 100 * (float(teacher[score]) - float(row[score])) if row[score] else None
        induced = {
            r["set"]: _percent(r["induced"])
            for r in tables["metamorphic"]
            if r["model"] == row["model"] and r["relation"] == AGREEMENT
            and r["set_kind"] == "pooled" and r["task"] == task
            and r["teacher"] == teacher["teacher"]
        }  # fmt: skip
        drops = [
            f"{r['attack']} {float(r['drop_increase']):+.0f} %"
            for r in tables["robustness"]
            if r["model"] == row["model"] and r["drop_increase"] and r["task"] == task
            and r["teacher"] == teacher["teacher"]
        ]  # fmt: skip
        gap_text = f"gap {gap:+.1f} points" if gap is not None else "gap n/a"
        yield (
            f"- {row['method']} ({float(row['size_mb']):.2f} MB): {score} {_percent(row[score])}, "
            f"{gap_text}; induced disagreement: "
            + (", ".join(f"{k} {v}" for k, v in sorted(induced.items())) or "n/a")
            + "; drop vs teacher: "
            + (", ".join(drops) or "n/a")
        )


def summary_lines(tables_dir: Path) -> list[str]:
    """The summary of the tables in `tables_dir` (see the module docstring), as Markdown."""
    tables = {name: _rows(tables_dir / f"{name}.csv")
              for name in ("effectiveness", "metamorphic", "robustness", "headline")}  # fmt: skip
    lines = ["# Reproduction summary", ""]
    for (task, teacher), models in _groups(tables["effectiveness"]).items():
        lines += [f"## {task}, teacher {teacher}", "", *_student_lines(task, models, tables), ""]
    lines += ["## Headline", ""]
    lines += [f"- {row['claim']}: {row['line']}" for row in tables["headline"]]
    return lines


def write_summary(tables_dir: Path, path: Path) -> Path:
    """Write `summary_lines(tables_dir)` to `path`; returns it."""
    from metacompress.atomic import write_atomic

    write_atomic(path, "\n".join(summary_lines(tables_dir)) + "\n")
    return path
