"""The self-contained HTML report: one file, no network, every data string escaped.

Sections: verdict and key numbers; the headline (the clean accuracy gap beside the behaviour
gap: each relation's baseline rate on the clean inputs, then its induced rate on each pool);
every relation with its baseline row first, then the pools and each follow-up set (rate,
source rate on the same pairs, induced rate, difference, each with its interval; n/a with the
reason where nothing applies); set-level measures with their intervals; the paired tests; a
relation x set heat map of induced rates; the teacher vs student confidence scatter;
reliability diagrams per set; threshold sweeps; robustness under attack; a filterable list of
violating examples with side-by-side diffs; definitions (docs/relations.md); provenance. Charts are inline SVG
(`report.svg`); the only script is the small filter below, which reads no data from the page
but `data-*` attributes.
"""

from __future__ import annotations

import json
import math
from html import escape

from metacompress.relations.union import ANY_PAPER_RELATION
from metacompress.report import svg
from metacompress.report.diff import diff_table
from metacompress.report.formats import PairReport, pair_report
from metacompress.report.model import (
    POOL_LABELS,
    AttackGap,
    Deviation,
    RelationRate,
    ReportData,
    Violation,
)
from metacompress.report.numbers import ci, num, pct, signed_pct
from metacompress.rundir.layout import SOURCE

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:0 auto;max-width:1200px;
padding:0 1.2em 3em;color:#222}
h1{margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
.verdict{display:inline-block;padding:.3em .8em;border-radius:4px;font-weight:bold;color:#fff}
.pass{background:#2e7d32}.fail{background:#c62828}
.cards{display:flex;flex-wrap:wrap;gap:1em;margin:1em 0}
.card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:10em}
.card .v{font-size:1.6em;font-weight:bold}.card .k{color:#555;font-size:.9em}
table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #ddd;padding:.25em .5em;
text-align:left;vertical-align:top}th{background:#f5f5f5}td.num{text-align:right;
font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:1.2em;align-items:flex-start}
svg.chart{font-size:11px;background:#fff;border:1px solid #eee}
svg .axis{stroke:#333}svg .grid{stroke:#eee}svg .diagonal{stroke:#999;stroke-dasharray:4 3}
svg .marker{stroke:#999;stroke-dasharray:2 2}svg .dot{fill:#1f77b4;fill-opacity:.45}
svg .chart-title{font-weight:bold;font-size:12px}svg .cell{stroke:#fff}
table.diff{font-size:12px;width:100%;table-layout:fixed}
table.diff td{border:none;white-space:pre-wrap;word-break:break-all;font-family:ui-monospace,monospace}
table.diff td.ln{width:3em;color:#999;text-align:right}
table.diff tr.replace td.old,table.diff tr.delete td.old{background:#ffebe9}
table.diff tr.replace td.new,table.diff tr.insert td.new{background:#e6ffec}
table.diff tr.fold td{text-align:center;color:#999;background:#fafafa}
details.violation,details.deviation{border:1px solid #ddd;border-radius:6px;margin:.5em 0;
padding:.3em .6em}
details.violation summary,details.deviation summary{cursor:pointer}.tag{display:inline-block;background:#eee;border-radius:3px;
padding:0 .4em;margin-right:.3em;font-size:.85em}.flag{color:#b26a00;font-weight:bold}
.filters{display:flex;gap:1em;flex-wrap:wrap;align-items:center;margin:.6em 0}
.muted{color:#666}.wide{overflow-x:auto}td.na{color:#8a6d00;font-style:italic}tr.source td{background:#f3f7ff}
"""

_SCRIPT = """
(function () {
  var text = document.getElementById('filter-text');
  var relation = document.getElementById('filter-relation');
  var origin = document.getElementById('filter-origin');
  var counter = document.getElementById('filter-count');
  var items = Array.prototype.slice.call(document.querySelectorAll('details.violation'));
  function apply() {
    var needle = text.value.toLowerCase();
    var shown = 0;
    items.forEach(function (item) {
      var ok = (!needle || item.getAttribute('data-search').indexOf(needle) >= 0) &&
        (!relation.value || JSON.parse(item.getAttribute('data-relations')).indexOf(relation.value) >= 0) &&
        (!origin.value || item.getAttribute('data-origin') === origin.value);
      item.style.display = ok ? '' : 'none';
      if (ok) { shown += 1; }
    });
    counter.textContent = shown + ' of ' + items.length + ' shown';
  }
  [text, relation, origin].forEach(function (el) {
    el.addEventListener('input', apply);
    el.addEventListener('change', apply);
  });
  apply();
})();
"""


def _na(reason: str, columns: int) -> str:
    return (
        f'<td colspan="{columns}" class="na" title="{escape(reason)}">n/a: '
        f"{escape(reason or 'nothing applicable')}</td>"
    )


def _card(key: str, value: str) -> str:
    return f'<div class="card"><div class="v">{escape(value)}</div><div class="k">{escape(key)}</div></div>'


def _header(data: ReportData) -> str:
    verdict = "PASS" if data.passed else "FAIL"
    pool = data.headline_pool()
    worst = data.worst_relation()
    cards = [
        _card(f"teacher accuracy ({data.teacher.name})", pct(data.teacher.accuracy)),
        _card(f"student accuracy ({data.student.name})", pct(data.student.accuracy)),
        _card("accuracy gap (teacher − student)", pct(data.accuracy_gap)),
    ]
    if worst is not None:
        cards.append(_card(
            f"largest behaviour gap: {worst.relation}, induced on {POOL_LABELS.get(pool, pool)}",
            ci(worst.induced),
        ))  # fmt: skip
    union = data.rate_of(ANY_PAPER_RELATION, pool)
    if union is not None and union.induced is not None:
        cards.append(_card(f"any of the paper's four relations, induced on {pool}",
                           ci(union.induced)))  # fmt: skip
    cards.append(_card("examples", str(data.counts.get("examples", 0))))
    cards.append(_card("follow-up inputs", str(data.counts.get("variants", 0))))
    gates = "".join(
        f"<li>{'✔' if g.passed else '✘'} {escape(g.name)}: {num(g.value)} "
        f"(limit {num(g.limit)}) {escape(g.message)}</li>"
        for g in data.gates
    )
    return (
        f"<h1>{escape(data.title)}</h1>"
        f'<p><span class="verdict {"pass" if data.passed else "fail"}" id="verdict">{verdict}</span> '
        f'<span class="muted">task: {escape(data.task)} · every number is defined in '
        f"<code>{escape(data.definitions)}</code> (see Definitions below)</span></p>"
        f'<div class="cards">{"".join(cards)}</div>'
        + (f'<h3>Gates</h3><ul id="gates">{gates}</ul>' if gates else "")
    )


def _input_rows(data: ReportData) -> list[RelationRate]:
    return [r for r in data.relations if r.level != "set"]


def _behaviour(data: ReportData) -> str:
    """The headline: each relation's baseline rate, then its induced rate on each pool."""
    pools = data.pools()
    head = "".join(f"<th>induced on {escape(POOL_LABELS.get(p, p))}</th>" for p in pools)
    rows = []
    for relation in dict.fromkeys(r.relation for r in _input_rows(data)):
        source = data.rate_of(relation, SOURCE)
        cells = [
            f"<td>{escape(relation)}</td>",
            f'<td class="num">{ci(source.rate)}</td>' if source and source.rate
            else _na(source.reason if source else "not reported", 1),
        ]  # fmt: skip
        for pool in pools:
            row = data.rate_of(relation, pool)
            if row is None or row.induced is None or math.isnan(row.induced.value):
                reason = "no pair whose source pair holds" if row and row.rate else (
                    row.reason if row else "not reported")  # fmt: skip
                cells.append(_na(reason, 1))
            else:
                cells.append(
                    f'<td class="num">{ci(row.induced)} '
                    f'<span class="muted">({row.induced_violations}/{row.induced_applicable})</span></td>'
                )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    models = "".join(
        f'<tr><td>{escape(role)}: {escape(m.name)}</td><td class="num">{pct(m.accuracy)}</td>'
        f'<td class="num">{num(m.f1)}</td><td class="num">{num(m.ece)}</td>'
        f'<td class="num">{m.n_labelled}</td></tr>'
        for role, m in (("teacher", data.teacher), ("student", data.student))
    )
    return (
        "<h2>Accuracy gap vs behaviour gap</h2>"
        "<p>The accuracy gap compares the two models on the unmodified inputs. The behaviour gap "
        "is the <b>induced rate</b>: among the (source, follow-up) pairs whose relation held on "
        "the clean input, how often the semantics-preserving change broke it. The "
        "<b>baseline</b> column is the relation on the clean inputs themselves: a relation "
        "already violated there is not caused by any follow-up.</p>"
        '<table id="models"><thead><tr><th>model</th><th>accuracy</th><th>F1</th><th>ECE</th>'
        f"<th>labelled</th></tr></thead><tbody>{models}</tbody></table>"
        '<h3>Behaviour gap (induced rates, 95% intervals)</h3><table id="headline"><thead><tr>'
        f"<th>relation</th><th>baseline: source pairs</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


_RATE_HEAD = (
    "<thead><tr><th>relation</th><th>set</th><th>applicable</th><th>violations</th>"
    "<th>violation rate [95%]</th><th>source rate, same pairs</th>"
    "<th>induced rate [95%] (pairs)</th><th>difference − source [95%]</th></tr></thead>"
)


def _rate_row(r: RelationRate) -> str:
    head = f"<td>{escape(r.relation)}</td><td>{escape(r.label)}</td>"
    if r.rate is None:
        return f'<tr class="{escape(r.kind)}">{head}{_na(r.reason, 6)}</tr>'
    counts = f'<td class="num">{r.applicable}</td><td class="num">{r.violations}</td>'
    rate = f'<td class="num">{ci(r.rate)}</td>'
    if r.kind == "source":
        return f'<tr class="source">{head}{counts}{rate}<td colspan="3" class="muted">baseline</td></tr>'
    induced = (
        _na("no pair whose source pair holds", 1) if r.induced is None or math.isnan(r.induced.value)
        else f'<td class="num">{ci(r.induced)} ({r.induced_violations}/{r.induced_applicable})</td>'
    )  # fmt: skip
    return (
        f'<tr class="{escape(r.kind)}">{head}{counts}{rate}'
        f'<td class="num">{pct(r.source_rate)}</td>{induced}'
        f'<td class="num">{ci(r.difference, signed_pct)}</td></tr>'
    )


def _relations(data: ReportData) -> str:
    rows = _input_rows(data)
    main = [r for r in rows if r.kind in ("source", "pool")]
    detail = [r for r in rows if r.kind not in ("source", "pool")]
    sets = [r for r in data.relations if r.level == "set"]
    set_rows = "".join(
        f"<tr><td>{escape(r.relation)}</td><td>{escape(r.label)}</td>"
        + (
            _na(r.reason, 2)
            if r.value is None
            else f'<td class="num">{ci(r.value, num)}</td>'
            f"<td>{'holds' if r.holds else 'violated'}</td>"
        )  # fmt: skip
        + "</tr>"
        for r in sets
    )
    return (
        "<h2>Relations, baseline first</h2>"
        "<p>Each relation's <b>source</b> row (teacher and student on the clean inputs) comes "
        "first, then the pools. Rates are over applicable pairs; intervals resample examples "
        "(exact Clopper–Pearson when a rate is 0 or 1 or fewer than 30 examples carry it).</p>"
        f'<table id="relations">{_RATE_HEAD}<tbody>{"".join(map(_rate_row, main))}</tbody></table>'
        + (
            f"<details><summary>Per follow-up set ({len(detail)} rows)</summary>"
            f'<table id="per-origin">{_RATE_HEAD}<tbody>{"".join(map(_rate_row, detail))}'
            "</tbody></table></details>"
            if detail
            else ""
        )
        + (
            "<h3>Set-level measures (value with its bootstrap interval over examples)</h3>"
            '<table id="set-level"><thead><tr><th>relation</th><th>set</th>'
            "<th>value [95%]</th><th>verdict</th></tr></thead>"
            f"<tbody>{set_rows}</tbody></table>"
            if sets
            else ""
        )
        + _tests(data)
    )


def _tests(data: ReportData) -> str:
    if not data.mcnemar:
        return ""
    rows = "".join(
        f"<tr><td>{escape(POOL_LABELS.get(m.followup, m.followup))}</td><td>{escape(m.test)}</td>"
        f'<td class="num">{m.n}</td><td class="num">{m.clusters}</td>'
        f'<td class="num">{m.teacher_only}</td><td class="num">{m.student_only}</td>'
        f'<td class="num">{num(m.p_value, 4)}</td></tr>'
        for m in data.mcnemar
    )
    return (
        "<details><summary>Paired tests of teacher vs student correctness</summary>"
        "<p>Exact McNemar on one pair per example (the source and each follow-up set); "
        "Obuchowski's clustered test on the pools, where several pairs come from one example.</p>"
        '<table id="mcnemar"><thead><tr><th>set</th><th>test</th><th>inputs</th><th>examples</th>'
        "<th>teacher right, student wrong</th><th>teacher wrong, student right</th><th>p</th>"
        f"</tr></thead><tbody>{rows}</tbody></table></details>"
    )


def _charts(data: ReportData) -> str:
    rows = [r for r in _input_rows(data) if r.kind != "source"]
    relations = list(dict.fromkeys(r.relation for r in rows))
    origins = list(dict.fromkeys(r.origin for r in rows))
    values = {
        (r.relation, r.origin): r.induced.value
        for r in rows
        if r.induced is not None and not math.isnan(r.induced.value)
    }
    charts = []
    if values:
        charts.append(svg.heatmap(relations, origins, values, "Induced rate: relation × set"))
    if data.confidence_pairs:
        charts.append(
            svg.scatter(data.confidence_pairs, "P(positive) on follow-ups", "teacher", "student")
        )
    by_set: dict[str, list] = {}
    for b in data.reliability:
        by_set.setdefault(b.followup, []).append(b)
    main_sets = [n for n in by_set if n == SOURCE or n in POOL_LABELS]

    def diagram(name: str) -> str:
        label = "source (clean inputs)" if name == SOURCE else POOL_LABELS.get(name, name)
        series = [(f"{b.model} (ECE {num(b.ece)})", b.confidence, b.accuracy, b.count)
                  for b in by_set[name]]  # fmt: skip
        return svg.reliability(series, f"Reliability: {label}")

    charts.extend(diagram(n) for n in main_sets)
    for sweep in data.sweeps:
        charts.append(
            svg.lines(
                [(sweep.relation, sweep.thresholds, sweep.rates)],
                f"Threshold sweep: {sweep.relation}",
                "threshold",
                "violation rate",
                marker=sweep.default,
            )
        )
    others = [n for n in by_set if n not in main_sets]
    more = (
        f"<details><summary>Reliability diagrams per follow-up set ({len(others)})</summary>"
        f'<div class="charts">{"".join(diagram(n) for n in others)}</div></details>'
        if others
        else ""
    )
    if not charts:
        return more
    return '<h2>Charts</h2><div class="charts">' + "".join(charts) + "</div>" + more


def _attacks(data: ReportData) -> str:
    if not data.attacks:
        return ""
    rows = "".join(
        f"<tr><td>{escape(a.followup)}</td><td>{escape(a.victim)}</td><td>{escape(a.metric)}</td>"
        f'<td class="num">{a.examples}</td><td class="num">{a.correct}</td>'
        f'<td class="num">{a.attacked}</td><td class="num">{a.succeeded}</td>'
        f'<td class="num">{a.failed}</td><td class="num">{a.no_identifier}</td>'
        f'<td class="num">{a.errors}</td><td class="num">{a.not_attacked_other}</td>'
        f'<td class="num">{ci(a.success_rate)}</td><td class="num">{ci(a.clean, num)}</td>'
        f'<td class="num">{ci(a.adversarial, num)}</td>'
        f'<td class="num">{ci(a.relative_drop)}</td>'
        f'<td class="num">{num(a.mean_queries, 1)}</td></tr>'
        for a in data.attacks
    )
    names = list(dict.fromkeys(a.attack for a in data.attacks))
    victims = list(dict.fromkeys(a.victim for a in data.attacks))
    by_key = {(a.attack, a.victim): a.success_rate for a in data.attacks}
    chart = svg.bars(
        names,
        [(v, [getattr(by_key.get((n, v)), "value", None) for n in names]) for v in victims],
        "Attack success rate",
        "success rate",
        intervals=[[(r.low, r.high) if (r := by_key.get((n, v))) else None for n in names]
                   for v in victims],
    )  # fmt: skip
    gaps = "".join(_attack_gap(g) for g in data.attack_gaps)
    return (
        "<h2>Robustness under attack</h2><p>Success rate over the examples the victim got "
        "right (the ALERT convention); the right examples that were not attacked are counted "
        "as no identifier, errors or other. Clean and adversarial: accuracy (vulnerability) or "
        "F1 (clone) over the labelled examples; relative drop = (clean − adversarial) / clean. "
        "Failed attacks contribute their final input as a follow-up, flagged unsuccessful.</p>"
        '<div class="wide"><table id="attacks"><thead><tr><th>attack</th><th>victim</th><th>metric</th>'
        "<th>examples</th><th>right</th><th>attacked</th><th>succeeded</th><th>failed</th>"
        "<th>no identifier</th><th>errors</th><th>other</th><th>success rate [95%]</th>"
        "<th>clean [95%]</th><th>adversarial [95%]</th><th>relative drop [95%]</th>"
        f"<th>mean queries</th></tr></thead><tbody>{rows}</tbody></table></div>"
        + (f'<ul id="attack-gaps">{gaps}</ul>' if gaps else "")
        + f'<div class="charts">{chart}</div>'
    )


def _attack_gap(gap: AttackGap) -> str:
    """'the student's relative drop is R % of the teacher's (increase I %)', with intervals."""
    if gap.drop_ratio is None:
        return (f"<li>{escape(gap.attack)}: the teacher's relative drop is 0 or undefined, so "
                "the student's cannot be stated relative to it</li>")  # fmt: skip
    return (
        f"<li>{escape(gap.attack)}: the student's relative drop is "
        f"{ci(gap.drop_ratio)} of the teacher's (drop increase "
        f"{ci(gap.drop_increase, lambda v: '–' if math.isnan(v) else f'{v:+.1f}%')})</li>"
    )


def _probs(label: str, probs: tuple[float, float]) -> str:
    return f"{escape(label)} P(positive) = {probs[1]:.3f}"


def _violation(v: Violation) -> str:
    flags = [
        f"truncated for {escape(model)}" for model, flag in sorted(v.truncated.items()) if flag
    ]
    search = " ".join((v.example_id, v.variant_id, v.origin, *v.relations)).lower()
    diffs = "".join(
        (f'<p class="muted">input {i + 1}</p>' if len(v.source) > 1 else "") + diff_table(s, f)
        for i, (s, f) in enumerate(zip(v.source, v.followup, strict=True))
    )
    tags = "".join(f'<span class="tag">{escape(r)}</span>' for r in v.relations)
    if v.attack_status == "failed":
        flags.append("search failed: its final input, not what it looked for")
    return (
        f'<details class="violation" data-search="{escape(search)}" '
        f'data-relations="{escape(json.dumps(list(v.relations)))}" '
        f'data-origin="{escape(v.origin)}">'
        f"<summary><b>{escape(v.example_id)}</b> · {escape(v.origin)} · {tags}"
        + (f' <span class="flag">{"; ".join(flags)}</span>' if flags else "")
        + "</summary>"
        f"<p>label: {escape(str(v.label)) if v.label is not None else 'unknown'} · "
        f"source: {_probs('teacher', v.teacher_source)}, {_probs('student', v.student_source)} · "
        f"follow-up: {_probs('teacher', v.teacher_followup)}, "
        f"{_probs('student', v.student_followup)}</p>{diffs}</details>"
    )


def _violations(data: ReportData) -> str:
    relations = sorted({r for v in data.violations for r in v.relations})
    origins = sorted({v.origin for v in data.violations})
    options = lambda values: "".join(  # noqa: E731
        f'<option value="{escape(x)}">{escape(x)}</option>' for x in values
    )
    shown = data.counts.get("violations_total", len(data.violations))
    note = (
        f'<p class="muted">Showing {len(data.violations)} of {shown} violating pairs.</p>'
        if shown > len(data.violations)
        else ""
    )
    return (
        "<h2>Violating examples</h2>" + note + '<div class="filters">'
        '<input id="filter-text" type="search" placeholder="filter by id, origin, relation">'
        f'<select id="filter-relation"><option value="">all relations</option>{options(relations)}</select>'
        f'<select id="filter-origin"><option value="">all follow-ups</option>{options(origins)}</select>'
        '<span id="filter-count"></span></div>' + "".join(_violation(v) for v in data.violations)
    )


def _deviation(d: Deviation) -> str:
    diffs = "".join(
        (f'<p class="muted">input {i + 1}</p>' if len(d.source) > 1 else "") + diff_table(s, f)
        for i, (s, f) in enumerate(zip(d.source, d.followup, strict=True))
    )
    return (
        f'<details class="deviation"><summary><b>{escape(d.example_id)}</b> · '
        f"{escape(d.origin)} · found after {d.queries} queries</summary>"
        f"<p>label: {escape(str(d.label)) if d.label is not None else 'unknown'} · "
        f"source: {_probs('teacher', d.teacher_source)}, {_probs('student', d.student_source)} · "
        f"follow-up: {_probs('teacher', d.teacher_followup)}, "
        f"{_probs('student', d.student_followup)}</p>{diffs}</details>"
    )


def _deviations(data: ReportData) -> str:
    if not data.deviations:
        return ""
    shown = data.counts.get("deviations_total", len(data.deviations))
    note = (
        f'<p class="muted">Showing {len(data.deviations)} of {shown}.</p>'
        if shown > len(data.deviations)
        else ""
    )
    return (
        '<h2 id="deviations">Deviations found</h2><p class="muted">Inputs a deviation search '
        "found on which the teacher's and the student's answers differ while they agreed on "
        "the source; each is made by catalogue transformations and identifier renamings of the "
        "source. Queries count inputs scored by both models.</p>"
        + note
        + "".join(_deviation(d) for d in data.deviations)
    )


def _definitions(data: ReportData) -> str:
    return (
        '<h2 id="definitions">Definitions</h2><ul>'
        "<li><b>source (baseline)</b>: the relation between teacher and student on the "
        "unmodified inputs, one pair per example.</li>"
        "<li><b>violation rate</b>: violating pairs / applicable pairs of a set.</li>"
        "<li><b>induced rate</b> (the behaviour gap): violations among the pairs whose source "
        "pair holds, i.e. what the change broke.</li>"
        "<li><b>difference</b>: violation rate − source rate on the same pairs, with a paired "
        "interval.</li>"
        "<li><b>pools</b>: transformations, attacks, and all (transformations + attacks).</li>"
        "<li><b>intervals</b>: 95 % (the run's confidence), resampling examples; exact "
        "Clopper–Pearson over examples at rates of 0 or 1 or with fewer than 30 examples.</li>"
        f"</ul><p>Formulas, units, defaults and why: <code>{escape(data.definitions)}</code> in "
        "the MetaCompress source tree.</p>"
    )


def _provenance(data: ReportData) -> str:
    meta = json.dumps(data.meta, indent=2, sort_keys=True, default=str)
    counts = "".join(
        f'<tr><td>{escape(k)}</td><td class="num">{v}</td></tr>'
        for k, v in sorted(data.counts.items())
    )
    return (
        "<h2>Provenance</h2><table><tbody>" + counts + f"</tbody></table><pre>{escape(meta)}</pre>"
    )


def render_html(data: ReportData, comparison: str = "") -> str:
    """The whole report as one HTML document; `comparison` (the comparison section of the
    paper tables, `report.tables.html`) follows the header."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(data.title)}</title><style>{_CSS}</style></head><body>"
        + _header(data)
        + comparison
        + _behaviour(data)
        + _relations(data)
        + _charts(data)
        + _attacks(data)
        + _deviations(data)
        + _violations(data)
        + _definitions(data)
        + _provenance(data)
        + f"<script>{_SCRIPT}</script></body></html>"
    )


@pair_report("html", "report.html", "one self-contained HTML page: plots, code diffs")
def html_report(pair: PairReport) -> str:
    """The HTML report of a pair, with the comparison section of the run's paper tables."""
    from metacompress.report.tables.html import comparison_section

    return render_html(pair.data, comparison_section(pair.tables) if pair.tables else "")
