"""Layout-only transformations: the token sequence is unchanged (comments aside).

Every edit is whitespace between two tokens, or a new comment between two statements, inside a
function body. Literals and comments are single tokens (never edited inside), preprocessor
lines and their backslash continuations are never touched (a directive ends at its newline),
and a gap that follows a `//` comment never loses its newline.

- `reindent`: re-indent the lines of function bodies with another unit (tab, 2, 3, 4 or 8
  spaces), keeping each line's nesting level (indent width / detected unit) and any alignment
  remainder.
- `respace-tokens`: at up to `max_sites` gaps between tokens on one line, insert a space where
  there is none or remove one where the two tokens cannot fuse into another token (one of them
  is a bracket, `;` or `,`, or one is a word and the other an operator).
- `break-lines`: split a line after `,` `(` `=` `&&` `||` (or before `&&` `||` `?`), or join
  two lines of a function body into one.
- `insert-comment`: put a short comment before a statement (C `/* ... */`, Java `// ...`).
"""

from __future__ import annotations

import functools
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

from tree_sitter import Node

from metacompress.code.catalogue._base import Site, SiteTransformation, choose_sites
from metacompress.code.catalogue._syntax.layout import (
    ErrorSpans,
    Lines,
    line_indent,
    removable_space,
    starts_line,
    tokens,
)
from metacompress.code.catalogue._syntax.nodes import (
    COMMENTS,
    edit,
    function_bodies,
    nodes_in_bodies,
)
from metacompress.code.catalogue._syntax.statements import BLOCKS, statement_position
from metacompress.code.edits import Edit
from metacompress.code.parsing import ParsedCode
from metacompress.code.transform import NotApplicable, Transformation, parse_error_reason, transform
from metacompress.registry import check_choice, check_range

INDENT_UNITS = {"tab": "\t", "2": "  ", "3": "   ", "4": "    ", "8": "        "}
COMMENT_TEXTS = (
    "check the input",
    "update the state",
    "handle the result",
    "validate the value",
    "process the next item",
    "keep the previous value",
    "compute the result",
    "guard against bad input",
    "prepare the buffer",
    "reset the counter",
    "main work happens here",
    "see the caller for details",
)
_BREAK_AFTER = frozenset({b",", b"(", b"=", b"&&", b"||"})
_BREAK_BEFORE = frozenset({b"&&", b"||", b"?"})


class Gap(NamedTuple):
    """The whitespace between two adjacent tokens of a function body, as raw offsets: the left
    token is [`left_start`, `start`), the gap [`start`, `end`), the right token [`end`,
    `right_end`)."""

    left_start: int
    start: int
    end: int
    right_end: int


def body_gaps(parsed: ParsedCode) -> list[Gap]:
    """Gaps between adjacent tokens inside function bodies that layout may change: pure
    whitespace, away from parse errors, preprocessor lines and `//` comment ends. (An ERROR
    token is itself an error span, so the gaps on either side of it touch an error.)"""
    data = parsed.data
    lines = Lines.of(parsed) if b"#" in data else None  # no `#`: no preprocessor line
    in_preproc = lines.is_preproc if lines is not None and lines.preproc else None
    errors = ErrorSpans.of(parsed)
    touches_error = errors.touches if errors.spans else None
    gaps = []
    for body in function_bodies(parsed):
        left = None
        left_start = start = 0
        for right in tokens(body):
            end = right.start_byte
            if left is not None:
                text = data[start:end]
                if not (
                    text.strip()
                    or (in_preproc is not None and (in_preproc(start) or in_preproc(end)))
                    or (touches_error is not None and touches_error(start - 1, end + 1))
                    or (
                        b"\n" in text
                        and left.type in COMMENTS
                        and data.startswith(b"//", left_start)
                    )
                ):
                    gaps.append(Gap(left_start, start, end, right.end_byte))
            left, left_start, start = right, end, right.end_byte
    return gaps


@functools.lru_cache(maxsize=8192)
def _removable(left: bytes, right: bytes) -> bool:
    """`removable_space` of two tokens' bytes (memoised: the same pairs recur)."""
    return removable_space(left.decode("utf-8", "replace"), right.decode("utf-8", "replace"))


@transform(
    "respace-tokens",
    languages=("c", "java"),
    description="insert or remove spaces between tokens where no token can change",
)
@dataclass(frozen=True)
class RespaceTokens(Transformation):
    """`a+b` -> `a + b`, `f (x)` -> `f(x)` at up to `max_sites` gaps."""

    keeps_tokens: ClassVar[bool] = True

    max_sites: int = 3

    def __post_init__(self) -> None:
        check_range("max_sites", self.max_sites, 1, None)

    def _edits(self, parsed: ParsedCode, rng: random.Random) -> list[Edit] | NotApplicable:
        data = parsed.data
        candidates = []
        for gap in body_gaps(parsed):
            text = data[gap.start : gap.end]
            if b"\n" in text:
                continue
            if not text or _removable(
                data[gap.left_start : gap.start], data[gap.end : gap.right_end]
            ):
                candidates.append(gap)
        if not candidates:
            return parse_error_reason(parsed, "gap between tokens whose spacing may change")
        edits = []
        for gap in choose_sites(candidates, rng, self.max_sites):
            replacement = "" if gap.end > gap.start else " "
            edits.append(edit(parsed, gap.start, gap.end, replacement))
        return edits


@transform(
    "break-lines",
    languages=("c", "java"),
    description="split a long line after a comma, parenthesis or operator, or join two lines",
)
@dataclass(frozen=True)
class BreakLines(Transformation):
    """Split lines at natural break points or join lines, at up to `max_sites` gaps."""

    keeps_tokens: ClassVar[bool] = True

    max_sites: int = 2

    def __post_init__(self) -> None:
        check_range("max_sites", self.max_sites, 1, None)

    def _edits(self, parsed: ParsedCode, rng: random.Random) -> list[Edit] | NotApplicable:
        data = parsed.data
        candidates = [
            gap
            for gap in body_gaps(parsed)
            if b"\n" in data[gap.start : gap.end]
            or data[gap.left_start : gap.start] in _BREAK_AFTER
            or data[gap.end : gap.right_end] in _BREAK_BEFORE
        ]
        if not candidates:
            return parse_error_reason(parsed, "place to split or join a line")
        edits = []
        for gap in choose_sites(candidates, rng, self.max_sites):
            if b"\n" in parsed.data[gap.start : gap.end]:
                edits.append(edit(parsed, gap.start, gap.end, " "))
            else:
                indent = line_indent(parsed, gap.start)
                edits.append(edit(parsed, gap.start, gap.end, f"\n{indent}        "))
        return edits


def _indent_unit_of(indents: list[str]) -> str:
    """The indentation unit the code uses: a tab when most indented lines start with one,
    else the most common increase of indentation from one line to the next (4 when the
    indentation never increases)."""
    indented = [i for i in indents if i]
    if sum(1 for i in indented if i.startswith("\t")) * 2 > len(indented):
        return "\t"
    widths = [len(i.expandtabs(4)) for i in indents]
    steps = Counter(b - a for a, b in zip(widths, widths[1:], strict=False) if b > a)
    step = steps.most_common(1)[0][0] if steps else 4
    return " " * step


@transform(
    "reindent",
    languages=("c", "java"),
    description="re-indent function bodies with another indentation unit",
)
@dataclass(frozen=True)
class Reindent(Transformation):
    """Re-indent function bodies with `unit` ('tab', '2', '3', '4', '8', or 'random': any
    unit other than the one the code uses)."""

    keeps_tokens: ClassVar[bool] = True

    unit: str = "random"

    def __post_init__(self) -> None:
        check_choice("unit", self.unit, ["random", *INDENT_UNITS])

    def _lines(self, parsed: ParsedCode) -> list[tuple[int, int]]:
        """(start, end) raw offsets of the indentation of each body line that may change."""
        lines = Lines.of(parsed)
        errors = ErrorSpans.of(parsed)
        data = parsed.data
        protected = []
        for body in function_bodies(parsed):
            for token in tokens(body):
                start, end = token.start_byte, token.end_byte
                if data.find(b"\n", start, end) >= 0:
                    protected.append((start, end))
        found = []
        numbers: set[int] = set()
        for body in function_bodies(parsed):
            first = lines.line(body.start_byte) + 1
            last = lines.line(body.end_byte - 1)
            numbers.update(range(first, last + 1))
        for number in sorted(numbers):
            start = lines.starts[number]
            if number in lines.preproc:
                continue
            if any(a < start < b for a, b in protected):
                continue
            end = start
            while end < len(parsed.data) and parsed.data[end] in b" \t":
                end += 1
            if end >= len(parsed.data) or parsed.data[end] in b"\r\n":
                continue
            if errors.touches(start, end + 1):
                continue
            found.append((start, end))
        return found

    def _edits(self, parsed: ParsedCode, rng: random.Random) -> list[Edit] | NotApplicable:
        spans = self._lines(parsed)
        indents = [parsed.data[a:b].decode() for a, b in spans]
        if not any(indents):
            return parse_error_reason(parsed, "indented line in a function body")
        current = _indent_unit_of(indents)
        if self.unit == "random":
            options = sorted(name for name, unit in INDENT_UNITS.items() if unit != current)
            new_unit = INDENT_UNITS[rng.choice(options)]
        else:
            new_unit = INDENT_UNITS[self.unit]
        edits = []
        for (start, end), indent in zip(spans, indents, strict=True):
            if current == "\t":
                level = len(indent) - len(indent.lstrip("\t"))
                rest = indent[level:]
            else:
                width = len(indent.replace("\t", current))
                level, remainder = divmod(width, len(current))
                rest = " " * remainder
            new = new_unit * level + rest
            if new != indent:
                edits.append(edit(parsed, start, end, new))
        return edits


@transform(
    "insert-comment",
    languages=("c", "java"),
    description="insert a short comment before a statement",
)
@dataclass(frozen=True)
class InsertComment(SiteTransformation):
    """`/* check the input */` (C) or `// check the input` (Java) before a statement."""

    keeps_tokens: ClassVar[bool] = True

    site_name: ClassVar[str] = "statement position inside a function body"

    def _candidates(self, parsed: ParsedCode) -> list[Node]:
        blocks = nodes_in_bodies(parsed, BLOCKS[parsed.lang])
        return [child for block in blocks for child in block.named_children]

    def _check(self, parsed: ParsedCode, node: Node) -> Site | str | None:
        return Site.of(node) if statement_position(parsed, node) else None

    def _rewrite(
        self, parsed: ParsedCode, site: Site, rng: random.Random, context: dict[str, Any]
    ) -> list[Edit]:
        text = rng.choice(COMMENT_TEXTS)
        node = site.node
        if starts_line(parsed, node):
            comment = f"/* {text} */" if parsed.lang == "c" else f"// {text}"
            indent = line_indent(parsed, node.start_byte)
            return [edit(parsed, node.start_byte, node.start_byte, f"{comment}\n{indent}")]
        return [edit(parsed, node.start_byte, node.start_byte, f"/* {text} */ ")]
