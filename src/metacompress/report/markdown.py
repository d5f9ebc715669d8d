"""A Markdown summary short enough for a pull-request comment."""

from __future__ import annotations

from metacompress.report.model import ReportData
from metacompress.rundir.layout import POOLED


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _cell(text: str) -> str:
    """Table-cell text with the characters that would break a Markdown table escaped."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _rate_table(rates) -> list[str]:
    return [
        "| relation | follow-up | applicable | violation rate | 95% interval |",
        "|---|---|---:|---:|---|",
        *(
            f"| {_cell(r.relation)} | {_cell(r.origin)} | {r.applicable} | {_pct(r.rate.value)} | "
            f"[{_pct(r.rate.low)}, {_pct(r.rate.high)}] |"
            for r in rates
        ),
    ]


def render_markdown(
    data: ReportData, max_violations: int = 10, max_followups: int = 8, min_pairs: int = 5
) -> str:
    """The summary; the worst follow-ups listed are those with at least `min_pairs` pairs."""
    lines = [
        f"## {_cell(data.title)}: {'✅ PASS' if data.passed else '❌ FAIL'}",
        "",
        "| model | accuracy | F1 | ECE |",
        "|---|---:|---:|---:|",
    ]
    for role, model in (("teacher", data.teacher), ("student", data.student)):
        f1 = "–" if model.f1 is None else f"{model.f1:.3f}"
        ece = "–" if model.ece is None else f"{model.ece:.3f}"
        lines.append(f"| {role}: {_cell(model.name)} | {_pct(model.accuracy)} | {f1} | {ece} |")
    lines += [
        "",
        f"**Accuracy gap** (teacher − student, clean inputs): {_pct(data.accuracy_gap)}",
        "",
        "Behaviour gap, all follow-ups pooled:",
        "",
        *_rate_table([r for r in data.relations if r.origin == POOLED]),
    ]
    worst = sorted(
        (r for r in data.relations if r.origin != POOLED and r.applicable >= min_pairs),
        key=lambda r: (-r.rate.value, r.relation, r.origin),
    )[:max_followups]
    if worst:
        lines += [
            "",
            f"Highest violation rates by follow-up (top {len(worst)}):",
            "",
            *_rate_table(worst),
        ]
    if data.gates:
        lines += ["", "**Gates**", ""]
        lines += [
            f"- {'✅' if g.passed else '❌'} `{_cell(g.name)}`: {g.value:.4f} (limit {g.limit:.4f})"
            for g in data.gates
        ]
    if data.attacks:
        lines += ["", "| attack | victim | success rate | relative drop |", "|---|---|---:|---:|"]
        lines += [
            f"| {_cell(a.attack)} | {_cell(a.victim)} | {_pct(a.success_rate)} | {_pct(a.relative_drop)} |"
            for a in data.attacks
        ]
    if data.violations:
        lines += [
            "",
            f"First violating pairs ({min(max_violations, len(data.violations))} shown):",
            "",
        ]
        lines += [
            f"- `{_cell(v.variant_id)}` ({_cell(v.origin)}): {', '.join(map(_cell, v.relations))}"
            for v in data.violations[:max_violations]
        ]
    counts = ", ".join(f"{k}: {v}" for k, v in sorted(data.counts.items()))
    lines += ["", f"<sub>{_cell(counts)}</sub>", ""]
    return "\n".join(lines)
