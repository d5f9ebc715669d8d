"""Layout: tokens, line starts and preprocessor lines, parse-error spans for fast overlap
queries, indentation, and which spaces between tokens may go without two tokens fusing."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node

from metacompress.code.catalogue._syntax.nodes import COMMENTS
from metacompress.code.parsing import ParsedCode

#: Nodes handled as one token by the layout transformations.
ATOMIC_TOKENS = frozenset(
    {
        "string_literal",
        "char_literal",
        "character_literal",
        "system_lib_string",
        "raw_string_literal",
        "concatenated_string_part",
        "text_block",
        "preproc_arg",
        "ERROR",
    }
    | COMMENTS
)


_IDENT = re.compile(r"[A-Za-z_$][\w$]*\Z")


_OPERATOR = re.compile(r"[-+*/%=<>!&|^~?:]+\Z")


_SAFE_PUNCT = frozenset({"(", ")", "[", "]", "{", "}", ";", ","})


@dataclass(frozen=True)
class Lines:
    """Line starts of `parsed.data` and which lines are preprocessor lines."""

    starts: tuple[int, ...]
    preproc: frozenset[int]

    @classmethod
    def of(cls, parsed: ParsedCode) -> Lines:
        data = parsed.data
        starts = [0] + [m.end() for m in re.finditer(b"\n", data)]
        preproc: set[int] = set()
        if b"#" not in data:
            return cls(tuple(starts), frozenset())
        continued = False
        for number, start in enumerate(starts):
            end = data.find(b"\n", start)
            line = data[start : end if end >= 0 else len(data)].rstrip(b"\r")
            if continued or line.lstrip().startswith(b"#"):
                preproc.add(number)
                continued = line.endswith(b"\\")
            else:
                continued = False
        return cls(tuple(starts), frozenset(preproc))

    def line(self, offset: int) -> int:
        """0-based line of a raw byte offset."""
        return bisect.bisect_right(self.starts, offset) - 1

    def is_preproc(self, offset: int) -> bool:
        return bool(self.preproc) and self.line(offset) in self.preproc


@dataclass(frozen=True)
class ErrorSpans:
    """The parse-error spans of a parse (raw offsets), sorted, for fast overlap queries; the
    same rule as `ParsedCode.overlaps_error` (a zero-width error meets the spans holding it)."""

    starts: tuple[int, ...]
    spans: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, parsed: ParsedCode) -> ErrorSpans:
        spans = sorted(parsed.raw_errors)
        return cls(tuple(a for a, _ in spans), tuple(spans))

    def touches(self, start: int, end: int) -> bool:
        """Whether raw span [start, end) meets an error (the spans are disjoint, so only those
        starting inside it and the one just before it can)."""
        if not self.spans:
            return False
        high = bisect.bisect_right(self.starts, end)
        low = max(0, bisect.bisect_left(self.starts, start) - 1)
        for e_start, e_end in self.spans[low:high]:
            if e_start == e_end:
                if start <= e_start <= end:
                    return True
            elif e_start < end and start < e_end:
                return True
        return False


def line_indent(parsed: ParsedCode, offset: int) -> str:
    """The leading whitespace of the line holding raw offset `offset`."""
    data = parsed.data
    start = data.rfind(b"\n", 0, offset) + 1
    end = start
    while end < len(data) and data[end] in b" \t":
        end += 1
    return data[start:end].decode()


def starts_line(parsed: ParsedCode, node: Node) -> bool:
    """True when only whitespace precedes `node` on its line."""
    data = parsed.data
    start = data.rfind(b"\n", 0, node.start_byte) + 1
    return not data[start : node.start_byte].strip()


def indent_unit(parsed: ParsedCode, block: Node) -> str:
    """The indentation one level adds inside `block` (four spaces when it cannot be seen)."""
    outer = line_indent(parsed, block.start_byte)
    for child in block.named_children:
        if starts_line(parsed, child):
            inner = line_indent(parsed, child.start_byte)
            if inner.startswith(outer) and len(inner) > len(outer):
                return inner[len(outer) :]
            break
    return "    "


def tokens(node: Node) -> Iterator[Node]:
    """The tokens under `node` in document order; literals and comments count as one token.
    (A tree cursor walk: it builds only the nodes it visits, not every node's child list.)"""
    cursor = node.walk()
    while True:
        current = cursor.node
        if current.child_count == 0 or current.type in ATOMIC_TOKENS:
            if current.end_byte > current.start_byte:
                yield current
        elif cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():  # back at `node`, the cursor's root
                return


def removable_space(left: str, right: str) -> bool:
    """Whether the whitespace between tokens `left` and `right` can go without the two
    tokens merging into another token (one of them is a bracket, `;` or `,`, or one is a
    word and the other an operator)."""
    if left in _SAFE_PUNCT or right in _SAFE_PUNCT:
        return True
    word_left, word_right = bool(_IDENT.match(left)), bool(_IDENT.match(right))
    op_left, op_right = bool(_OPERATOR.match(left)), bool(_OPERATOR.match(right))
    return (word_left and op_right) or (op_left and word_right)
