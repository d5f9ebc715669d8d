import json
from dataclasses import replace
from xml.etree import ElementTree as ET

import pytest

from metacompress.report.diff import diff_rows, diff_table
from metacompress.report.html import render_html
from metacompress.report.junit import render_junit
from metacompress.report.markdown import render_markdown


def test_html_escapes_every_data_string_and_shows_key_numbers(sample_report, hostile):
    page = render_html(sample_report())
    assert hostile not in page
    assert "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert page.count("<script>") == 1 and page.count("</script>") == 1
    for text in (
        "81.2%",
        "79.7%",
        "1.6%",
        "55.0%",
        "PASS",
        "tiny-student",
        "truncated for student",
        "search failed: its final input, not what it looked for",
        "docs/relations.md",
    ):
        assert text in page


def test_html_puts_the_baseline_first_and_the_induced_rates_in_the_headline(sample_report):
    page = render_html(sample_report())
    headline = page[page.index('<table id="headline">') :]
    headline = headline[: headline.index("</table>")]
    # baseline column, then the induced rate of each pool (all = transformations + attacks)
    assert headline.index("baseline: source pairs") < headline.index("induced on transformations")
    assert "6.2% [2.0%, 15.0%]" in headline  # the source row of prediction-agreement
    assert "18.4% [8.0%, 30.0%]" in headline and "(7/38)" in headline
    assert "induced on all (transformations + attacks)" in headline
    relations = page[page.index('<table id="relations">') :]
    rows = relations[: relations.index("</table>")].split("<tr")
    first = next(r for r in rows if "prediction-agreement" in r)
    assert 'class="source"' in first and "baseline" in first
    assert "n/a: teacher confidence below 0.9 (64 of 64 pairs)" in page  # never 0 %
    assert "7.1% [3.1%, 11.8%]" not in page and "0.071 [0.031, 0.118]" in page  # a value
    assert "largest behaviour gap: prediction-agreement" in page


def test_html_states_the_student_drop_as_a_share_of_the_teacher_drop(sample_report):
    page = render_html(sample_report())
    assert "the student's relative drop is 255.7% [140.0%, 520.0%] of the teacher's" in page
    assert "drop increase +155.7% [+40.0%, +420.0%]" in page
    assert "obuchowski" in page and "Reliability: all (transformations + attacks)" in page


def test_html_shows_fail_verdict_when_a_gate_fails(sample_report):
    page = render_html(sample_report(passed=False))
    assert '<span class="verdict fail" id="verdict">FAIL</span>' in page


def test_diff_marks_only_the_changed_line():
    rows = diff_rows("a\nb\nc\n", "a\nB\nc\n")
    assert [r[0] for r in rows] == ["equal", "replace", "equal"]
    assert rows[1][1:] == (2, "b", 2, "B")
    assert "&lt;x&gt;" in diff_table("<x>", "<y>")


def test_diff_folds_long_unchanged_runs():
    old = "\n".join(f"line {i}" for i in range(30))
    new = old.replace("line 15", "LINE 15")
    kinds = [r[0] for r in diff_rows(old, new, context=2)]
    assert kinds.count("fold") == 2 and kinds.count("replace") == 1
    assert len(kinds) == 2 + 1 + 2 + 1 + 2 + 1 + 2


def test_markdown_summary_has_verdict_rates_and_escaped_cells(sample_report):
    text = render_markdown(sample_report(passed=False))
    assert text.startswith("## MetaCompress: tiny-teacher vs tiny-student: ❌ FAIL")
    assert (
        "| prediction-agreement | 6.2% [2.0%, 15.0%] | 18.4% [8.0%, 30.0%] (7/38) "
        "| 50.0% [27.2%, 72.8%] (9/18) | 28.6% [17.0%, 40.0%] (16/56) |"
    ) in text
    assert text.index("baseline (source)") < text.index("induced, transformations")
    assert "| prediction-agreement | source | 64 | 6.2% [2.0%, 15.0%] | baseline | | |" in text
    assert "n/a (teacher confidence below 0.9 (64 of 64 pairs))" in text
    assert "| ece-gap | all (transformations + attacks) | 0.071 [0.031, 0.118] | violated |" in text
    assert "❌ `prediction-agreement<=0.1`" in text
    assert "the student's relative drop is 255.7% [140.0%, 520.0%] of the teacher's" in text


def test_junit_has_one_case_per_gate_and_relation_and_fails_with_the_gate(sample_report):
    root = ET.fromstring(render_junit(sample_report(passed=False)))
    cases = root.findall("testcase")
    assert len(cases) == 1 + 10
    assert root.get("tests") == "11"
    failed = [
        c.get("classname") + "/" + c.get("name") for c in cases if c.find("failure") is not None
    ]
    assert failed == [
        "metacompress.gates/prediction-agreement<=0.1",
        *(f"metacompress.relations.prediction-agreement/{name}" for name in
          ("source", "transformations", "attacks", "all", "rename-locals", "attack:mhm@student")),
    ]  # fmt: skip
    assert root.get("failures") == "7"
    out = {(c.get("classname"), c.get("name")): c.find("system-out").text for c in cases[1:]}
    pooled = out[("metacompress.relations.prediction-agreement", "transformations")]
    assert "induced rate 0.1842 [0.0800, 0.3000] (7 of 38 pairs whose source pair holds)" in pooled
    assert out[("metacompress.relations.confidence-preservation", "source")] == (
        "violation rate n/a: teacher confidence below 0.9 (64 of 64 pairs)"
    )
    assert (
        out[("metacompress.relations.ece-gap", "all")] == "value 0.0712 [0.0310, 0.1180], violated"
    )
    passing = ET.fromstring(render_junit(sample_report(passed=True)))
    assert passing.get("failures") == "0"
    json.dumps(passing.attrib)


CONTROL = "id\x01with\x0bcontrol\x1f"


def _with_hostile_ids(report, relation: str):
    """The sample report with `relation` (an id holding spaces, controls or HTML) everywhere."""
    import dataclasses

    violations = tuple(
        dataclasses.replace(v, variant_id=v.variant_id + CONTROL, relations=(*v.relations, relation))
        for v in report.violations
    )
    rates = tuple(dataclasses.replace(r, relation=relation) for r in report.relations[:2])
    gates = tuple(dataclasses.replace(g, name=relation + "<=0.1", relation=relation)
                  for g in report.gates)  # fmt: skip
    return dataclasses.replace(report, violations=violations, relations=rates, gates=gates)


def test_junit_parses_when_ids_hold_characters_xml_forbids(sample_report):
    report = _with_hostile_ids(sample_report(passed=False), "rel" + CONTROL)
    text = render_junit(report)
    root = ET.fromstring(text)  # raised "not well-formed" before
    names = {c.get("classname") for c in root.findall("testcase")}
    assert "metacompress.relations.rel" + "id\\x01with\\x0bcontrol\\x1f" in names


def test_markdown_passes_no_html_or_markup_from_ids(sample_report, hostile):
    markdown_it = pytest.importorskip("markdown_it")
    relation = "evil <b onmouseover=alert(1)>x</b> | [a](javascript:alert(1))"
    text = render_markdown(_with_hostile_ids(sample_report(passed=False), relation))
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(text)
    assert "<b " not in html and "<img" not in html and "<a " not in html
    assert "&lt;b onmouseover=alert(1)&gt;x&lt;/b&gt;" in html
    import re

    cells = [c for c in re.findall(r"<td[^>]*>(.*?)</td>", html) if "evil" in c]
    whole = "evil &lt;b onmouseover=alert(1)&gt;x&lt;/b&gt; | [a](javascript:alert(1))"
    assert cells and all(c == whole for c in cells)  # the pipe did not split a cell


def test_html_keeps_a_relation_id_with_spaces_as_one_tag_and_one_filter_value(sample_report):
    import re
    from html import unescape

    relation = "agreement at 5 %"
    page = render_html(_with_hostile_ids(sample_report(), relation))
    values = [json.loads(unescape(v)) for v in re.findall(r'data-relations="([^"]*)"', page)]
    assert values and all(relation in v for v in values)
    assert page.count(f'<span class="tag">{relation}</span>') == len(values)
    assert f'<option value="{relation}">' in page


def test_html_lists_each_deviation_with_its_diffs_and_both_models(
    sample_report, sample_deviations, hostile
):
    data = sample_report()
    data = replace(
        data, deviations=sample_deviations, counts={**data.counts, "deviations_total": 5}
    )
    page = render_html(data)
    assert hostile not in page
    section = page[page.index('id="deviations"') : page.index("Violating examples")]
    assert section.count('<details class="deviation">') == 2
    # one diff per input: the function, then both methods of the clone pair
    assert section.count('<table class="diff">') == 3
    assert section.count('<p class="muted">input ') == 2
    assert "found after 37 queries" in section and "found after 4 queries" in section
    for text in (
        "teacher P(positive) = 0.900",
        "student P(positive) = 0.700",
        "teacher P(positive) = 0.850",
        "student P(positive) = 0.380",
        "student P(positive) = 0.550",
        "label: unknown",
        "Showing 2 of 5.",
        "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;",
    ):
        assert text in section


def test_html_has_no_deviation_section_without_deviations(sample_report):
    page = render_html(sample_report())
    assert 'id="deviations"' not in page and "Deviations found" not in page
