"""A Markdown summary short enough for a pull-request comment.

Order: verdict; clean scores; the behaviour gap (each relation's baseline rate on the clean
inputs, then its induced rate on each pool, with intervals); every relation's rows with the
baseline first; set-level measures; the follow-up sets with the highest induced rates; gates;
robustness under attack; the first violating pairs. Definitions: docs/relations.md.

Every string from the run (ids, names, follow-ups, relations) is written as literal text
(`metacompress.escaping.markdown_text`, or `markdown_code` in a code span), so no HTML, link
or table markup from data reaches the comment.
"""

from __future__ import annotations

import math

from metacompress.escaping import markdown_code, markdown_text
from metacompress.report.formats import PairReport, pair_report
from metacompress.report.model import POOL_LABELS, RelationRate, ReportData
from metacompress.report.numbers import ci, num, pct, signed_pct
from metacompress.rundir.layout import SOURCE


def _induced(row: RelationRate | None) -> str:
    if row is None:
        return "–"
    if row.induced is None or math.isnan(row.induced.value):
        return f"n/a ({markdown_text(row.reason or 'no pair whose source pair holds')})"
    return f"{ci(row.induced)} ({row.induced_violations}/{row.induced_applicable})"


def _behaviour(data: ReportData) -> list[str]:
    pools = data.pools()
    lines = [
        "**Behaviour gap** (induced rate: violations among the pairs whose relation held on the "
        "clean input; baseline: the relation on the clean inputs):",
        "",
        "| relation | baseline (source) | "
        + " | ".join(f"induced, {POOL_LABELS.get(p, p)}" for p in pools) + " |",
        "|---|---:|" + "---:|" * len(pools),
    ]  # fmt: skip
    for relation in dict.fromkeys(r.relation for r in data.relations if r.level != "set"):
        source = data.rate_of(relation, SOURCE)
        base = (
            ci(source.rate)
            if source and source.rate
            else f"n/a ({markdown_text(source.reason if source else '')})"
        )
        cells = [_induced(data.rate_of(relation, p)) for p in pools]
        lines.append(f"| {markdown_text(relation)} | {base} | " + " | ".join(cells) + " |")
    return lines


def _rate_table(rows: list[RelationRate]) -> list[str]:
    lines = [
        "| relation | set | applicable | violation rate | source, same pairs | induced | difference |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        head = f"| {markdown_text(r.relation)} | {markdown_text(r.label)} |"
        if r.rate is None:
            lines.append(f"{head} 0 | n/a ({markdown_text(r.reason)}) | | | |")
        elif r.kind == "source":
            lines.append(f"{head} {r.applicable} | {ci(r.rate)} | baseline | | |")
        else:
            lines.append(
                f"{head} {r.applicable} | {ci(r.rate)} | {pct(r.source_rate)} | {_induced(r)} "
                f"| {ci(r.difference, signed_pct)} |"
            )
    return lines


def render_markdown(
    data: ReportData, max_violations: int = 10, max_followups: int = 8, min_pairs: int = 5
) -> str:
    """The summary; the follow-up sets listed are those with at least `min_pairs` pairs whose
    source pair holds, highest induced rate first."""
    lines = [
        f"## {markdown_text(data.title)}: {'✅ PASS' if data.passed else '❌ FAIL'}",
        "",
        "| model | accuracy | F1 | ECE |",
        "|---|---:|---:|---:|",
    ]
    for role, model in (("teacher", data.teacher), ("student", data.student)):
        lines.append(
            f"| {role}: {markdown_text(model.name)} | {pct(model.accuracy)} | {num(model.f1)} "
            f"| {num(model.ece)} |"
        )
    lines += [
        "",
        f"**Accuracy gap** (teacher − student, clean inputs): {pct(data.accuracy_gap)}",
        "",
        *_behaviour(data),
        "",
        "Relations, baseline first:",
        "",
        *_rate_table([r for r in data.relations if r.level != "set" and r.kind in ("source", "pool")]),
    ]  # fmt: skip
    sets = [r for r in data.relations if r.level == "set" and r.kind in ("source", "pool")]
    if sets:
        lines += ["", "Set-level measures (value with its bootstrap interval over examples):", "",
                  "| relation | set | value | verdict |", "|---|---|---:|---|"]  # fmt: skip
        lines += [
            f"| {markdown_text(r.relation)} | {markdown_text(r.label)} | "
            + (f"n/a ({markdown_text(r.reason)}) | |" if r.value is None
               else f"{ci(r.value, num)} | {'holds' if r.holds else 'violated'} |")
            for r in sets
        ]  # fmt: skip
    worst = sorted(
        (
            r for r in data.relations
            if r.kind not in ("source", "pool") and r.induced is not None
            and not math.isnan(r.induced.value) and r.induced_applicable >= min_pairs
        ),
        key=lambda r: (-r.induced.value, r.relation, r.origin),
    )[:max_followups]  # fmt: skip
    if worst:
        lines += ["", f"Highest induced rates by follow-up set (top {len(worst)}):", "",
                  *_rate_table(worst)]  # fmt: skip
    if data.gates:
        lines += ["", "**Gates**", ""]
        lines += [
            f"- {'✅' if g.passed else '❌'} {markdown_code(g.name)}: {num(g.value)} "
            f"(limit {num(g.limit)}) {markdown_text(g.message)}"
            for g in data.gates
        ]
    if data.attacks:
        lines += [
            "",
            "Robustness under attack (success rate over the examples the victim got right):",
            "",
            "| attack | victim | right | succeeded | no identifier | errors | success rate "
            "| clean | adversarial | relative drop |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {markdown_text(a.attack)} | {markdown_text(a.victim)} | {a.correct} | {a.succeeded} "
            f"| {a.no_identifier} | {a.errors} | {ci(a.success_rate)} | {ci(a.clean, num)} "
            f"| {ci(a.adversarial, num)} | {ci(a.relative_drop)} |"
            for a in data.attacks
        ]
        for gap in data.attack_gaps:
            if gap.drop_ratio is not None:
                lines.append(
                    f"- {markdown_text(gap.attack)}: the student's relative drop is "
                    f"{ci(gap.drop_ratio)} of the teacher's"
                )
    if data.violations:
        lines += [
            "",
            f"First violating pairs ({min(max_violations, len(data.violations))} shown):",
            "",
        ]
        lines += [
            f"- {markdown_code(v.variant_id)} ({markdown_text(v.origin)}): "
            f"{', '.join(map(markdown_text, v.relations))}"
            + (" (attack failed: final input)" if v.attack_status == "failed" else "")
            for v in data.violations[:max_violations]
        ]
    counts = ", ".join(f"{k}: {v}" for k, v in sorted(data.counts.items()))
    lines += [
        "",
        f"<sub>{markdown_text(counts)} · definitions: {markdown_text(data.definitions)}</sub>",
        "",
    ]
    return "\n".join(lines)

@pair_report("md", "report.md", "a Markdown summary (tables of rates, gates, scores)")
def markdown_report(pair: PairReport) -> str:
    """The Markdown report of a pair, followed by the run's paper tables."""
    from metacompress.report.tables.writers import to_markdown

    return render_markdown(pair.data) + "".join("\n" + to_markdown(t) for t in pair.tables)
