"""Implicit-int and K&R function definitions: where `int ` must be inserted for tree-sitter-c to
read them.

C89 lets a function definition leave out its return type (`main() { ... }`, `static f(void)
{ ... }`) and declare its parameters K&R style, between the parameter list and the body
(`f(a, b) int a; char *b; { ... }`). tree-sitter-c reads these heads as errors or, worse, as a
type followed by a parenthesised declarator. Devign's functions often start that way too,
because the line holding the return type was cut off.

`implicit_int_heads(data)` finds the heads by their tokens, at the top level (outside any
brace, parenthesis or preprocessor line): optional storage-class specifiers and qualifiers,
then a name that is not a keyword directly followed by a parameter list, then either the body's
`{`, or K&R declarations (each starting with a word not followed by `(`, each ending in `;`,
the parameter list then holding only names) and the `{`. It returns the byte offsets of those
names: inserting `int ` before each is the normalisation `parsing.parse` applies, and maps
back, so every offset a transformation sees is one of the original code.
"""

from __future__ import annotations

import re

from metacompress.code.lexer import Token, lex

#: The text inserted before the name of an implicit-int function.
INSERTED = "int "
#: Words that may precede the name of an implicit-int function.
_SPECIFIERS = frozenset(
    b"static extern inline __inline __inline__ register auto const volatile _Noreturn "
    b"__extension__".split()
)


#: What delimits top-level items, and what may hide a delimiter: comments, string and character
#: literals, preprocessor lines (with their continuations), brackets, `;` and braces.
_STRUCTURE = re.compile(
    rb"""^[ \t]*\#(?:[^\n]*\\\r?\n)*[^\n]*
       | /\*.*?(?:\*/|\Z) | //[^\n]*
       | "(?:[^"\\\n]|\\.)*(?:"|$) | '(?:[^'\\\n]|\\.)*(?:'|$)
       | [{};()\[\]]""",
    re.MULTILINE | re.DOTALL | re.VERBOSE,
)


_DELIMITERS = frozenset(bytes([c]) for c in b"{};()[]")


def _top_level_items(data: bytes) -> list[tuple[int, int]]:
    """The byte spans of the code's top-level items: each runs from the end of the previous
    item (a `;` or a closing `}` at depth 0) to its own `;` or its first `{` at depth 0 (a
    body belongs to no item)."""
    items: list[tuple[int, int]] = []
    start = depth = braces = 0
    for match in _STRUCTURE.finditer(data):
        text = match.group()
        if text not in _DELIMITERS:
            continue
        if braces:
            braces += text == b"{"
            braces -= text == b"}"
            if not braces:
                start = match.end()
            continue
        if text in b"([":
            depth += 1
        elif text in b")]":
            depth = max(0, depth - 1)
        elif depth == 0:
            items.append((start, match.end()))
            start = match.end()
            braces = text == b"{"
    return items


def _tokens(data: bytes, start: int, end: int) -> list[Token]:
    """The tokens of `data[start:end]` (offsets into `data`), comments and preprocessor lines
    left out."""
    found = []
    for match in _STRUCTURE.finditer(data, start, end):
        if match.group() not in _DELIMITERS:
            found.append((match.start(), match.end()))
    tokens = []
    for token in lex(data[start:end], "c"):
        at = token.start + start
        if not any(a <= at < b for a, b in found):
            tokens.append(Token(at, token.end + start, token.kind))
    return tokens


def _head_name(data: bytes, item: list[Token], keywords: frozenset[str]) -> int | None:
    """The index of the function name in `item` when it is an implicit-int head."""
    texts = [data[t.start : t.end] for t in item]
    index = 0
    while index < len(texts) and texts[index] in _SPECIFIERS:
        index += 1
    if index + 1 >= len(texts) or item[index].kind != "word" or texts[index + 1] != b"(":
        return None
    if texts[index].decode("utf-8", errors="replace") in keywords:
        return None
    return index


def implicit_int_heads(data: bytes, keywords: frozenset[str]) -> list[int]:
    """Byte offsets of the names of implicit-int function definitions in C `data` (see the
    module docstring); `keywords` are the words that cannot be a function's name."""
    offsets = []
    spans = _top_level_items(data)
    items: dict[int, list[Token]] = {}

    def item(number: int) -> list[Token]:
        if number not in items:
            items[number] = _tokens(data, *spans[number])
        return items[number]

    for number, (_, end) in enumerate(spans):
        if data[end - 1 : end] != b"{":
            continue
        kr = len(item(number)) == 1
        first = number
        if kr:
            # `f(a, b) int a; char *b; {`: the items are `f(a, b) int a;`, `char *b;`, `{`.
            first -= 1
            while first > 0 and _is_kr_declaration(data, item(first)):
                first -= 1
            if first < 0:
                continue
        head = [t for part in range(first, number + 1) for t in item(part)]
        name = _head_name(data, head, keywords)
        if name is not None and _is_definition(data, head, name, kr):
            offsets.append(head[name].start)
    return offsets


def _is_kr_declaration(data: bytes, item: list[Token]) -> bool:
    texts = [data[t.start : t.end] for t in item]
    return (
        len(texts) >= 2
        and texts[-1] == b";"
        and item[0].kind == "word"
        and texts[1] != b"("
        and b"=" not in texts
    )


def _is_definition(data: bytes, head: list[Token], name: int, kr: bool) -> bool:
    """Whether `head[name]` opens `( parameters )` that is followed by the body's `{` (or by
    K&R declarations and the `{`, the parameters then being names only)."""
    texts = [data[t.start : t.end] for t in head]
    depth = 0
    for close in range(name + 1, len(texts)):
        depth += texts[close] == b"("
        depth -= texts[close] == b")"
        if depth == 0:
            break
    else:
        return False
    rest = texts[close + 1 :]
    if rest == [b"{"]:
        return not kr
    if not kr:
        return False
    parameters = texts[name + 2 : close]
    names_only = all(
        (t == b",") if i % 2 else head[name + 2 + i].kind == "word"
        for i, t in enumerate(parameters)
    )
    return names_only and rest[-1] == b"{" and rest[0] != b"{" and b"=" not in rest
