"""Strings from data made safe for CSV (formula injection), XML 1.0 and Markdown."""

from __future__ import annotations

import csv
import io
from xml.etree import ElementTree as ET

import pytest

from metacompress.escaping import csv_cell, markdown_code, markdown_text, xml_text

FORMULAS = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)",
            "\t=1", "\r=1"]  # fmt: skip


@pytest.mark.parametrize("text", FORMULAS)
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert csv_cell(text) == "'" + text
    out = io.StringIO()
    csv.writer(out).writerow([csv_cell(text)])
    (cell,) = next(csv.reader(io.StringIO(out.getvalue())))
    assert cell.startswith("'") and cell[1:] == text


@pytest.mark.parametrize("value", ["plain id", "a=b", "", "7", -0.5, -3, None, 1e-9])
def test_other_cells_and_numbers_are_written_as_they_are(value):
    assert csv_cell(value) is value


def test_xml_forbidden_characters_become_visible_and_the_document_parses():
    text = "id\x00\x01\x0b\x0c\x1f\ud800\ufffe\uffff end\t\n\r ok é"
    cleaned = xml_text(text)
    assert cleaned == "id\\x00\\x01\\x0b\\x0c\\x1f\\ud800\\ufffe\\uffff end\t\n\r ok é"
    element = ET.Element("case", name=cleaned)
    element.text = cleaned
    parsed = ET.fromstring(ET.tostring(element, encoding="unicode"))
    assert parsed.get("name") == cleaned
    assert parsed.text.replace("\r", "\n") == cleaned.replace("\r", "\n")


HOSTILE = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "[x](javascript:alert(1))",
           "a | b", "**bold** _it_ `code`", "line\nbreak", "&amp; &lt;", "\\<b>"]  # fmt: skip


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_renders_as_the_literal_text(text):
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").render(markdown_text(text)).strip()
    assert "<img" not in html and "<script" not in html and "<a " not in html
    assert "<strong>" not in html and "<em>" not in html and "<code>" not in html
    from html import unescape

    assert unescape(html.removeprefix("<p>").removesuffix("</p>")) == text.replace("\n", " ")


@pytest.mark.parametrize("text", ["a`b", "``x``", "`", "<b>bold</b>", "plain id 7"])
def test_markdown_code_keeps_the_text_in_one_code_span(text):
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").render(markdown_code(text)).strip()
    from html import unescape

    assert html.startswith("<p><code>") and html.endswith("</code></p>")
    assert html.count("<code>") == 1
    assert unescape(html[len("<p><code>") : -len("</code></p>")]) == text
