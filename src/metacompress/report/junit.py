"""JUnit XML for CI systems: one test case per gate and one per relation x follow-up origin.

A gate's test case fails when the gate fails; a relation's test case fails only when a gate on
that relation fails, and always carries its violation rate in `system-out`. Every attribute and
text is passed through `metacompress.escaping.xml_text`, so ids holding characters XML 1.0
forbids (control characters) still give a document every XML parser reads.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from metacompress.escaping import xml_text
from metacompress.report.model import ReportData


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
        ET.SubElement(case, "system-out").text = (
            f"violation rate {rate.rate.value:.4f} [{rate.rate.low:.4f}, {rate.rate.high:.4f}] "
            f"over {rate.applicable} applicable pairs ({rate.violations} violations)"
        )
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
