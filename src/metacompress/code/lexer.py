"""The lexical tokens of C and Java, independently of the parser, and the rule that keeps an edit
from gluing two tokens into one.

`lex(data, lang)` splits UTF-8 bytes into tokens by maximal munch: comments (`/* */`, `//`),
string and character literals (with C's `L`/`u`/`U`/`u8` prefixes and Java text blocks),
identifiers and keywords, numbers (C's preprocessing numbers: `0x1e+1` is one token),
punctuators (C's digraphs included) and any other byte; whitespace and backslash-newlines
separate tokens. An unterminated literal or comment runs to the end of its line (or text).

`fuses(left, right)` is the joint rule: text ending in `left` and text starting with `right`
may lex differently when put together (as one token, or opening a comment) when word
characters meet, a literal prefix meets a quote (`L"x"`), a number meets a dot or its exponent
a sign (`1.5`, `1e+5`), a dot meets a digit (`.5`), or the two characters start a
multi-character punctuator (`+` `+`, `-` `>`, `.` `.`, `/` `*`). `separate_tokens` (in `edits`) uses it where edits are
joined; `boundary_problems` checks any transformation's output against its input and edits.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from metacompress.code.edits import Edit

_PUNCTUATORS = (
    ">>>=",
    "<<=",
    ">>=",
    ">>>",
    "...",
    "->",
    "++",
    "--",
    "<<",
    ">>",
    "<=",
    ">=",
    "==",
    "!=",
    "&&",
    "||",
    "+=",
    "-=",
    "*=",
    "/=",
    "%=",
    "&=",
    "^=",
    "|=",
    "::",
    "##",
)
_C_DIGRAPHS = ("%:%:", "<:", ":>", "<%", "%>", "%:")
_WORD = r"[A-Za-z_$\x80-\xff]"
_PATTERN = r"""
    (?P<space>(?:[ \t\r\n\f\v]|\\\r?\n)+)
  | (?P<comment>/\*.*?(?:\*/|\Z)|//[^\n]*)
  | (?P<text_block>\"\"\"(?:[^\\]|\\.)*?(?:\"\"\"|\Z))
  | (?P<string>(?:u8|[uUL])?"(?:[^"\\\n]|\\.)*(?:"|$))
  | (?P<char>(?:u8|[uUL])?'(?:[^'\\\n]|\\.)*(?:'|$))
  | (?P<number>\.?[0-9](?:[eEpP][+-]|[0-9A-Za-z_.$\x80-\xff])*)
  | (?P<word>{word}(?:{word}|[0-9])*)
  | (?P<punct>{punct})
  | (?P<other>.)
"""


@dataclass(frozen=True, slots=True)
class Token:
    """A token: its byte span [start, end) and kind (comment, string, number, word, ...)."""

    start: int
    end: int
    kind: str


@functools.cache
def _regex(lang: str) -> re.Pattern[bytes]:
    punctuators = _PUNCTUATORS + (_C_DIGRAPHS if lang == "c" else ())
    punct = "|".join(re.escape(p) for p in sorted(punctuators, key=len, reverse=True))
    pattern = _PATTERN.replace("{word}", _WORD).replace("{punct}", punct)
    return re.compile(pattern.encode(), re.VERBOSE | re.DOTALL | re.MULTILINE)


def lex(data: bytes, lang: str) -> list[Token]:
    """The tokens of `data` (whitespace dropped), by maximal munch."""
    return [
        Token(match.start(), match.end(), match.lastgroup or "other")
        for match in _regex(lang).finditer(data)
        if match.lastgroup != "space"
    ]


_WORD_CHARS = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$" + bytes(range(0x80, 0x100))
)
_JOINING_PAIRS = frozenset(
    p[i : i + 2].encode()
    for p in (*_PUNCTUATORS, *_C_DIGRAPHS, "//", "/*")
    for i in range(len(p) - 1)
)


_TRAILING_WORD = re.compile(rb"[0-9A-Za-z_.$\x80-\xff]*\Z")
_LITERAL_PREFIXES = frozenset({b"L", b"u", b"U", b"u8"})


def fuses(left: bytes, right: bytes) -> bool:
    """Whether text ending in `left` directly followed by text starting with `right` may lex
    differently at the joint: as one token, or opening a comment (see the module docstring)."""
    if not left or not right:
        return False
    last, first = left[-1], right[0]
    if last in _WORD_CHARS:
        if first in _WORD_CHARS:
            return True
        if first not in b"\"'." and not (last in b"eEpP" and first in b"+-"):
            return False
        word = _TRAILING_WORD.search(left[-64:]).group()  # type: ignore[union-attr]
        if first in b"\"'":
            return word in _LITERAL_PREFIXES
        tail = lex(word, "c")
        return bool(tail) and tail[-1].kind == "number" and tail[-1].end == len(word)
    if last == ord(".") and chr(first).isdigit():
        return True
    return bytes((last, first)) in _JOINING_PAIRS


def ends_in_line_comment(line: bytes) -> bool:
    """Whether a line (text after the last newline) ends inside a `//` comment. A line with
    `*/` before any `/*` began inside a block comment, which is skipped."""
    if b"//" not in line:
        return False
    close = line.find(b"*/")
    if close >= 0 and not 0 <= line.find(b"/*") < close:
        line = line[close + 2 :]
    tokens = lex(line, "c")
    last = tokens[-1] if tokens else None
    return (
        last is not None
        and last.kind == "comment"
        and line.startswith(b"//", last.start)
        and last.end == len(line)
    )


def boundary_problems(before: str, after: str, edits: Sequence[Edit], lang: str) -> list[str]:
    """Where `after` (= `before` with `edits` applied) glues or splits a token that no edit
    touches: every token of `before` outside the edited spans must be a token of `after`, at
    its shifted place. An insertion strictly inside a token counts as touching it."""
    old, new = before.encode("utf-8"), after.encode("utf-8")
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    new_tokens = {t.start: t.end for t in lex(new, lang)}
    problems = []
    index, shift = 0, 0
    for token in lex(old, lang):
        while index < len(ordered) and ordered[index].end <= token.start:
            edit = ordered[index]
            shift += len(edit.replacement.encode("utf-8")) - (edit.end - edit.start)
            index += 1
        if _touched(ordered, index, token):
            continue
        start, end = token.start + shift, token.end + shift
        if new_tokens.get(start) != end:
            text = old[token.start : token.end].decode("utf-8", errors="replace")
            glued = new[max(0, start - 10) : end + 10].decode("utf-8", errors="replace")
            problems.append(f"token {text!r} at byte {token.start} is no longer a token: {glued!r}")
    return problems


def _touched(ordered: Sequence[Edit], index: int, token: Token) -> bool:
    """Whether an edit of `ordered[index:]` overlaps the token or inserts strictly inside it
    (the edits are sorted and disjoint, and none of them ends at or before the token's start,
    so only the first can reach it)."""
    return index < len(ordered) and ordered[index].start < token.end
