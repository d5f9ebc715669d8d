"""A Markdown summary short enough for a pull-request comment.

Every string from the run (ids, names, follow-ups, relations) is written as literal text
(`metacompress.escaping.markdown_text`, or `markdown_code` in a code span), so no HTML, link
or table markup from data reaches the comment.
"""

from __future__ import annotations

from metacompress.escaping import markdown_code, markdown_text
from metacompress.report.model import ReportData
from metacompress.rundir.layout import POOLED


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"




def _rate_table(rates) -> list[str]:
    return [
        "| relation | follow-up | applicable | violation rate | 95% interval |",
        "|---|---|---:|---:|---|",
        *(
            f"| {markdown_text(r.relation)} | {markdown_text(r.origin)} | {r.applicable} | {_pct(r.rate.value)} | "
            f"[{_pct(r.rate.low)}, {_pct(r.rate.high)}] |"
            for r in rates
        ),
    ]


def render_markdown(
    data: ReportData, max_violations: int = 10, max_followups: int = 8, min_pairs: int = 5
) -> str:
    """The summary; the worst follow-ups listed are those with at least `min_pairs` pairs."""
    lines = [
        f"## {markdown_text(data.title)}: {'✅ PASS' if data.passed else '❌ FAIL'}",
        "",
        "| model | accuracy | F1 | ECE |",
        "|---|---:|---:|---:|",
    ]
    for role, model in (("teacher", data.teacher), ("student", data.student)):
        f1 = "–" if model.f1 is None else f"{model.f1:.3f}"
        ece = "–" if model.ece is None else f"{model.ece:.3f}"
        lines.append(f"| {role}: {markdown_text(model.name)} | {_pct(model.accuracy)} | {f1} | {ece} |")
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
            f"- {'✅' if g.passed else '❌'} {markdown_code(g.name)}: {g.value:.4f} (limit {g.limit:.4f})"
            for g in data.gates
        ]
    if data.attacks:
        lines += ["", "| attack | victim | success rate | relative drop |", "|---|---|---:|---:|"]
        lines += [
            f"| {markdown_text(a.attack)} | {markdown_text(a.victim)} | {_pct(a.success_rate)} | {_pct(a.relative_drop)} |"
            for a in data.attacks
        ]
    if data.violations:
        lines += [
            "",
            f"First violating pairs ({min(max_violations, len(data.violations))} shown):",
            "",
        ]
        lines += [
            f"- {markdown_code(v.variant_id)} ({markdown_text(v.origin)}): {', '.join(map(markdown_text, v.relations))}"
            for v in data.violations[:max_violations]
        ]
    counts = ", ".join(f"{k}: {v}" for k, v in sorted(data.counts.items()))
    lines += ["", f"<sub>{markdown_text(counts)}</sub>", ""]
    return "\n".join(lines)
