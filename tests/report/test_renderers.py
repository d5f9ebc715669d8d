import json
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
    ):
        assert text in page


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
    assert "| prediction-agreement | attack:mhm@student | 20 | 55.0% | [30.0%, 75.0%] |" in text
    assert "❌ `prediction-agreement<=0.1`" in text


def test_junit_has_one_case_per_gate_and_relation_and_fails_with_the_gate(sample_report):
    root = ET.fromstring(render_junit(sample_report(passed=False)))
    cases = root.findall("testcase")
    assert len(cases) == 1 + 6
    assert root.get("tests") == "7"
    failed = [
        c.get("classname") + "/" + c.get("name") for c in cases if c.find("failure") is not None
    ]
    assert failed == [
        "metacompress.gates/prediction-agreement<=0.1",
        "metacompress.relations.prediction-agreement/rename-locals",
        "metacompress.relations.prediction-agreement/attack:mhm@student",
        "metacompress.relations.prediction-agreement/all",
    ]
    assert root.get("failures") == "4"
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
    rows = [line for line in text.splitlines() if line.startswith("| evil")]
    assert rows and all(line.count(" | ") == 4 for line in rows)  # the pipe did not split a cell


def test_html_keeps_a_relation_id_with_spaces_as_one_tag_and_one_filter_value(sample_report):
    import re
    from html import unescape

    relation = "agreement at 5 %"
    page = render_html(_with_hostile_ids(sample_report(), relation))
    values = [json.loads(unescape(v)) for v in re.findall(r'data-relations="([^"]*)"', page)]
    assert values and all(relation in v for v in values)
    assert page.count(f'<span class="tag">{relation}</span>') == len(values)
    assert f'<option value="{relation}">' in page
