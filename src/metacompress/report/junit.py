"""JUnit XML for CI systems: one test case per gate and one per relation x set.

A gate's test case fails when the gate fails; a relation's test case fails only when a gate on
that relation fails, and always carries its numbers in `system-out`: the violation rate, and on
a follow-up set the source rate on the same pairs, the induced rate and the difference, with
intervals; the value of a set-level relation; n/a with the reason where nothing applies. Every
attribute and text is passed through `metacompress.escaping.xml_text`, so ids holding
characters XML 1.0 forbids (control characters) still give a document every XML parser reads.
"""

from __future__ import annotations

import math
from xml.etree import ElementTree as ET

from metacompress.escaping import xml_text
from metacompress.report.formats import PairReport, pair_report
from metacompress.report.model import Interval, RelationRate, ReportData


def _ci(interval: Interval | None) -> str:
    if interval is None or math.isnan(interval.value):
        return "n/a"
    bounds = "" if math.isnan(interval.low) else f" [{interval.low:.4f}, {interval.high:.4f}]"
    return f"{interval.value:.4f}{bounds}"


def _numbers(rate: RelationRate) -> str:
    if rate.level == "set":
        if rate.value is None:
            return f"value n/a: {rate.reason}"
        return f"value {_ci(rate.value)}, {'holds' if rate.holds else 'violated'}"
    if rate.rate is None:
        return f"violation rate n/a: {rate.reason}"
    text = (f"violation rate {_ci(rate.rate)} over {rate.applicable} applicable pairs "
            f"({rate.violations} violations)")  # fmt: skip
    if rate.kind != "source":
        source = "n/a" if rate.source_rate is None else f"{rate.source_rate:.4f}"
        text += (
            f"; source rate on the same pairs {source}; induced rate {_ci(rate.induced)} "
            f"({rate.induced_violations} of {rate.induced_applicable} pairs whose source pair "
            f"holds); difference {_ci(rate.difference)}"
        )
    return text


def _xml_safe(element: ET.Element) -> None:
    """Make every attribute and text under `element` XML 1.0 text (`xml_text`)."""
    for node in element.iter():
        node.attrib = {key: xml_text(value) for key, value in node.attrib.items()}
        if node.text is not None:
            node.text = xml_text(node.text)


def render_junit(data: ReportData) -> str:
    suite = ET.Element(
        "testsuite", name="metacompress", timestamp=str(data.meta.get("finished", ""))
    )
    failures = 0
    failing_relations = {g.relation for g in data.gates if not g.passed and g.relation}
    for gate in data.gates:
        case = ET.SubElement(suite, "testcase", classname="metacompress.gates", name=gate.name)
        if not gate.passed:
            failures += 1
            ET.SubElement(
                case, "failure", message=f"{gate.value:.4f} exceeds {gate.limit:.4f}"
            ).text = gate.message or f"{gate.name}: {gate.value:.4f} > {gate.limit:.4f}"
    for rate in data.relations:
        case = ET.SubElement(
            suite, "testcase", classname=f"metacompress.relations.{rate.relation}", name=rate.origin
        )
        ET.SubElement(case, "system-out").text = _numbers(rate)
        if rate.relation in failing_relations:
            failures += 1
            ET.SubElement(case, "failure", message=f"a gate on {rate.relation} failed")
    suite.set("tests", str(len(data.gates) + len(data.relations)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    _xml_safe(suite)
    ET.indent(suite)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"
    )

@pair_report("junit", "report.junit.xml", "JUnit XML: one test case per gate")
def junit_report(pair: PairReport) -> str:
    """The JUnit report of a pair."""
    return render_junit(pair.data)
