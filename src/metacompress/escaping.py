"""Making strings from data safe in the text formats the tool writes: CSV, XML, Markdown.

Ids, follow-up names and code come from data and configs, so any of them may hold what a
format reads as markup or a formula. The rules, one per format:

- CSV (`csv_cell`): a spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or
  with a tab or carriage return before one) as a formula, which can reach the network or run
  commands (CSV / formula injection). As OWASP recommends, such a text cell is written with a
  single quote in front (``'=1+1``), which spreadsheets show as text; numbers are not text and
  are written as they are. The quote is part of the cell for every CSV reader, so exact values
  are in the Parquet files, which are written raw.
- XML 1.0 (`xml_text`): the characters XML 1.0 forbids (control characters other than tab,
  newline and carriage return; lone surrogates; U+FFFE and U+FFFF) cannot appear in a
  document even escaped, so each is written as the visible text ``\\xNN`` / ``\\uNNNN``; the
  XML serializer escapes ``<``, ``&`` and quotes.
- Markdown (`markdown_text`, `markdown_code`): inline text is made literal by
  backslash-escaping each character that can open inline markup (CommonMark allows a backslash
  before any ASCII punctuation): ``\\`` and `` ` `` (escapes, code), ``*`` ``_`` ``~``
  (emphasis, GFM strikethrough), ``[`` ``]`` (links and images), ``<`` ``>`` ``&`` (raw HTML,
  autolinks, entities) and ``|`` (GFM table cells); a line break becomes a space. In a code span
  the fence is one backtick longer than the longest run of backticks inside it.
"""

from __future__ import annotations

import re
from typing import Any

#: Characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MARKDOWN_INLINE = re.compile(r"([\\`*_~\[\]<>&|])")
_LINE_BREAKS = re.compile(r"[\r\n]+")
_BACKTICKS = re.compile(r"`+")


def csv_cell(value: Any) -> Any:
    """`value` as a CSV writer should get it: text that a spreadsheet would run as a formula
    gets a leading single quote; every other value is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(row: Any) -> list[Any]:
    """`csv_cell` applied to every cell of a row."""
    return [csv_cell(value) for value in row]


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def xml_text(text: str) -> str:
    """`text` with every character XML 1.0 forbids written as visible ``\\xNN`` / ``\\uNNNN``."""
    return _XML_FORBIDDEN.sub(_visible, text)


def markdown_text(text: str) -> str:
    """`text` as literal inline Markdown (see the module docstring); line breaks as spaces."""
    return _MARKDOWN_INLINE.sub(r"\\\1", _LINE_BREAKS.sub(" ", text))


def markdown_code(text: str) -> str:
    """`text` as a Markdown code span whose fence no backtick inside can close."""
    text = _LINE_BREAKS.sub(" ", text)
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"
