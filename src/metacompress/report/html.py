"""The self-contained HTML report: one file, no network, every data string escaped.

Sections: verdict and key numbers; the headline table (accuracy gap beside the behaviour gap
per relation and origin, with 95 % intervals); a relation x origin heat map; the teacher vs
student confidence scatter; reliability diagrams; threshold sweeps; attack results; a filterable
list of violating examples with side-by-side diffs; provenance. Charts are inline SVG
(`report.svg`); the only script is the small filter below, which reads no data from the page
but `data-*` attributes.
"""

from __future__ import annotations

import json
import math
from html import escape

from metacompress.report import svg
from metacompress.report.diff import diff_table
from metacompress.report.model import ReportData, Violation
from metacompress.rundir.layout import POOLED

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
details.violation{border:1px solid #ddd;border-radius:6px;margin:.5em 0;padding:.3em .6em}
details.violation summary{cursor:pointer}.tag{display:inline-block;background:#eee;border-radius:3px;
padding:0 .4em;margin-right:.3em;font-size:.85em}.flag{color:#b26a00;font-weight:bold}
.filters{display:flex;gap:1em;flex-wrap:wrap;align-items:center;margin:.6em 0}
.muted{color:#666}
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


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def _card(key: str, value: str) -> str:
    return f'<div class="card"><div class="v">{escape(value)}</div><div class="k">{escape(key)}</div></div>'


def _header(data: ReportData) -> str:
    verdict = "PASS" if data.passed else "FAIL"
    worst = data.worst_relation()
    cards = [
        _card(f"teacher accuracy ({data.teacher.name})", _pct(data.teacher.accuracy)),
        _card(f"student accuracy ({data.student.name})", _pct(data.student.accuracy)),
        _card("accuracy gap (teacher − student)", _pct(data.accuracy_gap)),
    ]
    if worst is not None:
        cards.append(
            _card(
                f"worst behaviour gap: {worst.relation} on {worst.origin}", _pct(worst.rate.value)
            )
        )
    cards.append(_card("examples", str(data.counts.get("examples", 0))))
    cards.append(_card("follow-up inputs", str(data.counts.get("variants", 0))))
    gates = "".join(
        f"<li>{'✔' if g.passed else '✘'} {escape(g.name)}: {_num(g.value)} "
        f"(limit {_num(g.limit)}) {escape(g.message)}</li>"
        for g in data.gates
    )
    return (
        f"<h1>{escape(data.title)}</h1>"
        f'<p><span class="verdict {"pass" if data.passed else "fail"}" id="verdict">{verdict}</span> '
        f'<span class="muted">task: {escape(data.task)}</span></p>'
        f'<div class="cards">{"".join(cards)}</div>'
        + (f'<h3>Gates</h3><ul id="gates">{gates}</ul>' if gates else "")
    )


def _rate_rows(rates) -> str:
    return "".join(
        f"<tr><td>{escape(r.relation)}</td><td>{escape(r.origin)}</td>"
        f'<td class="num">{r.applicable}</td><td class="num">{r.violations}</td>'
        f'<td class="num">{_pct(r.rate.value)}</td>'
        f'<td class="num">[{_pct(r.rate.low)}, {_pct(r.rate.high)}]</td></tr>'
        for r in rates
    )


_RATE_HEAD = (
    "<thead><tr><th>relation</th><th>follow-up origin</th><th>applicable</th><th>violations</th>"
    "<th>violation rate</th><th>95% interval</th></tr></thead>"
)


def _headline(data: ReportData) -> str:
    pooled = [r for r in data.relations if r.origin == POOLED]
    detail = [r for r in data.relations if r.origin != POOLED]
    models = "".join(
        f'<tr><td>{escape(role)}: {escape(m.name)}</td><td class="num">{_pct(m.accuracy)}</td>'
        f'<td class="num">{_num(m.f1)}</td><td class="num">{_num(m.ece)}</td>'
        f'<td class="num">{m.n_labelled}</td></tr>'
        for role, m in (("teacher", data.teacher), ("student", data.student))
    )
    mcnemar = "".join(
        f'<tr><td>{escape(name)}</td><td class="num">{int(v.get("b", 0))}</td>'
        f'<td class="num">{int(v.get("c", 0))}</td><td class="num">{_num(v.get("p_value"), 4)}</td></tr>'
        for name, v in sorted(data.mcnemar.items())
    )
    set_level = "".join(
        f'<tr><td>{escape(k)}</td><td class="num">{_num(v, 4)}</td></tr>'
        for k, v in sorted(data.set_level.items())
    )
    return (
        "<h2>Accuracy gap vs behaviour gap</h2>"
        "<p>The accuracy gap compares the two models on the unmodified inputs; the behaviour gap "
        "is how often the student departs from the teacher on semantics-preserving follow-ups.</p>"
        '<table id="models"><thead><tr><th>model</th><th>accuracy</th><th>F1</th><th>ECE</th>'
        f"<th>labelled</th></tr></thead><tbody>{models}</tbody></table>"
        f'<h3>Behaviour gap, all follow-ups pooled</h3><table id="headline">{_RATE_HEAD}'
        f"<tbody>{_rate_rows(pooled)}</tbody></table>"
        + (
            f"<details><summary>Per follow-up origin ({len(detail)} rows)</summary>"
            f'<table id="per-origin">{_RATE_HEAD}<tbody>{_rate_rows(detail)}</tbody></table></details>'
            if detail
            else ""
        )
        + (
            "<h3>McNemar (teacher vs student correctness)</h3><table><thead><tr><th>inputs</th>"
            "<th>teacher right, student wrong</th><th>teacher wrong, student right</th>"
            f"<th>exact p</th></tr></thead><tbody>{mcnemar}</tbody></table>"
            if mcnemar
            else ""
        )
        + (
            "<details><summary>Set-level measures</summary><table><tbody>"
            + set_level
            + "</tbody></table></details>"
            if set_level
            else ""
        )
    )


def _charts(data: ReportData) -> str:
    relations = sorted({r.relation for r in data.relations})
    origins = sorted({r.origin for r in data.relations})
    values = {(r.relation, r.origin): r.rate.value for r in data.relations if r.applicable}
    charts = []
    if values:
        charts.append(
            svg.heatmap(relations, origins, values, "Violation rate: relation × follow-up")
        )
    if data.confidence_pairs:
        charts.append(
            svg.scatter(
                data.confidence_pairs,
                "P(positive) on follow-ups",
                "teacher",
                "student",
            )
        )
    if data.reliability:
        charts.append(
            svg.reliability(
                [(b.model, b.confidence, b.accuracy, b.count) for b in data.reliability]
            )
        )
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
    if not charts:
        return ""
    return '<h2>Charts</h2><div class="charts">' + "".join(charts) + "</div>"


def _attacks(data: ReportData) -> str:
    if not data.attacks:
        return ""
    rows = "".join(
        f'<tr><td>{escape(a.attack)}</td><td>{escape(a.victim)}</td><td class="num">{a.attacked}</td>'
        f'<td class="num">{_pct(a.success_rate)}</td><td class="num">{_num(a.clean_score)}</td>'
        f'<td class="num">{_num(a.adversarial_score)}</td><td class="num">{_pct(a.relative_drop)}</td>'
        f'<td class="num">{_num(a.mean_queries, 1)}</td></tr>'
        for a in data.attacks
    )
    names = sorted({a.attack for a in data.attacks})
    victims = sorted({a.victim for a in data.attacks})
    by_key = {(a.attack, a.victim): a.success_rate for a in data.attacks}
    chart = svg.bars(
        names,
        [(v, [by_key.get((n, v), 0.0) for n in names]) for v in victims],
        "Attack success rate",
        "success rate",
    )
    gap = "".join(
        f"<li>{escape(k)}: the student's relative drop is {v:+.1f}% of the teacher's</li>"
        for k, v in sorted(data.attack_gap.items())
    )
    return (
        '<h2>Attacks: teacher vs student</h2><table id="attacks"><thead><tr><th>attack</th>'
        "<th>victim</th><th>attacked</th><th>success rate</th><th>clean</th><th>adversarial</th>"
        f"<th>relative drop</th><th>mean queries</th></tr></thead><tbody>{rows}</tbody></table>"
        + (f"<ul>{gap}</ul>" if gap else "")
        + f'<div class="charts">{chart}</div>'
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


def _provenance(data: ReportData) -> str:
    meta = json.dumps(data.meta, indent=2, sort_keys=True, default=str)
    counts = "".join(
        f'<tr><td>{escape(k)}</td><td class="num">{v}</td></tr>'
        for k, v in sorted(data.counts.items())
    )
    return (
        "<h2>Provenance</h2><table><tbody>" + counts + f"</tbody></table><pre>{escape(meta)}</pre>"
    )


def render_html(data: ReportData) -> str:
    """The whole report as one HTML document."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(data.title)}</title><style>{_CSS}</style></head><body>"
        + _header(data)
        + _headline(data)
        + _charts(data)
        + _attacks(data)
        + _violations(data)
        + _provenance(data)
        + f"<script>{_SCRIPT}</script></body></html>"
    )
