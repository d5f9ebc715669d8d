"""The comparison section of the HTML report: headline lines, grouped bar charts, the tables.

`comparison_section(tables)` renders the paper tables of a study (or of `compare`) as one HTML
fragment: the headline lines, one grouped bar chart per table and task (models side by side:
accuracy and F1; attack success rate per attack; induced violation rate per relation on the
pooled sets; transfer rate per attack and direction), in %, each bar with a whisker over its
interval (the table's confidence interval; [min, max] over the seeds for a row that groups the
seeds of one method), then every table with the cells of the Markdown and LaTeX versions. Every
string from data is escaped; a missing value draws no bar but "n/a".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from metacompress.report.svg import bars
from metacompress.report.tables.table import Table
from metacompress.report.tables.writers import shown

Row = dict[str, Any]


def _chart(title: str, rows: Sequence[Row], group: Callable[[Row], str],
           series: Callable[[Row], str], value: str) -> str:  # fmt: skip
    """Grouped bars of the rate column `value` in %, whiskers from its interval columns."""
    groups = list(dict.fromkeys(group(r) for r in rows))
    names = list(dict.fromkeys(series(r) for r in rows))
    cells = {(group(r), series(r)): r for r in rows}

    def percent(row: Row | None, column: str) -> float | None:
        found = None if row is None else row.get(column)
        return None if found is None else 100 * float(found)

    data, intervals = [], []
    for name in names:
        row_of = [cells.get((g, name)) for g in groups]
        data.append((name, [percent(r, value) for r in row_of]))
        bounds = [(percent(r, f"{value}_low"), percent(r, f"{value}_high")) for r in row_of]
        intervals.append([None if None in b else b for b in bounds])
    return bars(groups, data, title, "%", y_max=100.0, width=max(420, 90 * len(groups) + 160),
                intervals=intervals)  # fmt: skip


def _by_task(table: Table) -> dict[str, list[Row]]:
    found: dict[str, list[Row]] = {}
    for row in table.rows:
        found.setdefault(f"{row['task']} ({row['dataset']})", []).append(dict(row))
    return found


def charts(tables: Sequence[Table]) -> list[str]:
    """The grouped bar charts of the paper tables (see the module docstring)."""
    by_name = {t.name: t for t in tables}
    out: list[str] = []
    if "effectiveness" in by_name:
        for task, rows in _by_task(by_name["effectiveness"]).items():
            long = [{**r, "metric": m, "v": r.get(m), "v_low": r.get(f"{m}_low"),
                     "v_high": r.get(f"{m}_high")} for r in rows for m in ("accuracy", "f1")]  # fmt: skip
            out.append(_chart(f"Clean accuracy and F1, {task}", long, lambda r: r["metric"],
                              lambda r: r["model"], "v"))  # fmt: skip
    if "robustness" in by_name:
        for task, rows in _by_task(by_name["robustness"]).items():
            out.append(_chart(f"Attack success rate, {task}", rows, lambda r: r["attack"],
                              lambda r: r["model"], "success_rate"))  # fmt: skip
    if "metamorphic" in by_name:
        for task, rows in _by_task(by_name["metamorphic"]).items():
            pooled = [r for r in rows if r["set_kind"] == "pooled" and r.get("induced") is not None]
            if pooled:
                out.append(_chart(f"Induced violation rate, {task}", pooled,
                                  lambda r: f"{r['relation']} / {r['set']}",
                                  lambda r: r["model"], "induced"))  # fmt: skip
    if "transfer" in by_name:
        for task, rows in _by_task(by_name["transfer"]).items():
            out.append(_chart(f"Transfer rate, {task}", rows,
                              lambda r: f"{r['attack']} {r['direction']}", lambda r: r["model"],
                              "rate"))  # fmt: skip
    return out


def table_html(table: Table) -> str:
    columns, constants = shown(table)
    head = "".join(f"<th>{escape(c.label)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(
            f'<td{"" if c.kind == "text" else " class=num"}>{escape(table.cell(r, c))}</td>'
            for c in columns
        ) + "</tr>"
        for r in table.rows
    )  # fmt: skip
    context = f'<p class="muted">{escape("; ".join(constants))}</p>' if constants else ""
    notes = "".join(f"<li>{escape(n)}</li>" for n in table.notes)
    return (
        f'<h3>{escape(table.caption)}</h3>{context}<table id="study-{escape(table.name)}">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        f'<ul class="notes">{notes}</ul>'
    )


def comparison_section(tables: Sequence[Table]) -> str:
    """The HTML fragment of the comparison section."""
    by_name = {t.name: t for t in tables}
    headline = by_name.get("headline")
    lines = "".join(f"<li>{escape(r['line'])}</li>" for r in headline.rows) if headline else ""
    parts = [
        '<section id="comparison"><h2>Teacher and students compared</h2>',
        f'<ul class="headline">{lines}</ul>' if lines else "",
        '<div class="charts">' + "".join(charts(tables)) + "</div>",
        *(table_html(t) for t in tables if t.name != "headline"),
        "</section>",
    ]
    return "".join(parts)
