"""Parsing C and Java with tree-sitter (grammars from the PyPI packages, nothing compiled).

BigCloneBench methods are bare Java methods, which are not a compilation unit: they are parsed
inside a wrapper class, and every node span is mapped back to the method text by subtracting
the wrapper's length (`ParsedCode.span`). Offsets are bytes of the UTF-8 encoding.

C functions written without a return type (implicit int, K&R parameter declarations; see
`implicit_int`) are parsed with `int ` inserted before their names, when that parses better:
`ParsedCode.inserted` records the insertions and `ParsedCode.to_code` maps a parsed offset back
to the original code, as for the Java wrapper, so no edit ever touches the inserted text.

Error nodes (ERROR, and MISSING tokens that tree-sitter inserted) are collected once; the
transformations never edit inside or across one (`ParsedCode.overlaps_error`).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import tree_sitter_c
import tree_sitter_java
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

from metacompress.errors import ConfigError

LANGUAGES = ("c", "java")
JAVA_WRAPPER_PREFIX = "class MetaCompressWrapper {\n"
JAVA_WRAPPER_SUFFIX = "\n}\n"
_JAVA_TYPE_DECLARATIONS = {
    "class_declaration",
    "interface_declaration",
    "enum_declaration",
    "record_declaration",
    "annotation_type_declaration",
    "package_declaration",
    "import_declaration",
    "module_declaration",
}
#: The words one of which every one of `_JAVA_TYPE_DECLARATIONS` starts with or holds.
_JAVA_DECLARATION_WORDS = ("class", "interface", "enum", "record", "package", "import", "module")
_JAVA_DECLARATION_WORD = re.compile(rf"\b(?:{'|'.join(_JAVA_DECLARATION_WORDS)})\b")
FUNCTION_TYPES = {
    "c": ("function_definition",),
    "java": ("method_declaration", "constructor_declaration"),
}

_local = threading.local()


@functools.cache
def language(lang: str) -> Language:
    """The tree-sitter Language of `lang` ("c" or "java")."""
    if lang == "c":
        return Language(tree_sitter_c.language())
    if lang == "java":
        return Language(tree_sitter_java.language())
    raise ConfigError(f"language must be one of {list(LANGUAGES)}, got {lang!r}")


@functools.cache
def _function_query(lang: str) -> Query:
    """A query capturing every node of the language's FUNCTION_TYPES."""
    return Query(language(lang), " ".join(f"({kind}) @function" for kind in FUNCTION_TYPES[lang]))


def _parser(lang: str) -> Parser:
    parsers = getattr(_local, "parsers", None)
    if parsers is None:
        parsers = _local.parsers = {}
    if lang not in parsers:
        parsers[lang] = Parser(language(lang))
    return parsers[lang]


def iter_nodes(node: Node) -> Iterator[Node]:
    """All nodes under `node` (itself included) in document order (a tree cursor walk)."""
    cursor = node.walk()
    while True:
        yield cursor.node
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():  # back at `node`, the cursor's root
                return


def _error_nodes(root: Node) -> list[Node]:
    found: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            found.append(node)
            continue
        if node.has_error:
            stack.extend(reversed(node.children))
    return found


@dataclass(frozen=True)
class ParsedCode:
    """A parse of `code` in `lang`; spans are byte offsets into `code.encode()`.

    `data` is what was parsed: the code, after the Java wrapper's prefix (`prefix_len` bytes)
    or with `int ` inserted before implicit-int C functions (`inserted`: (offset in `data`,
    length) of each insertion). `errors` are the error spans in the code, `raw_errors` the same
    in `data`.
    """

    code: str
    lang: str
    tree: Tree
    data: bytes
    prefix_len: int = 0
    errors: tuple[tuple[int, int], ...] = field(default=())
    inserted: tuple[tuple[int, int], ...] = field(default=())
    raw_errors: tuple[tuple[int, int], ...] = field(default=())

    @property
    def root(self) -> Node:
        return self.tree.root_node

    @property
    def error_count(self) -> int:
        return len(self.errors)

    @property
    def code_bytes(self) -> bytes:
        if self.inserted:
            return self.code.encode("utf-8")
        return self.data[self.prefix_len : len(self.data) - self._suffix_len]

    def to_code(self, offset: int) -> int:
        """The offset in the code of raw offset `offset` into `data` (an offset inside an
        inserted text maps to where the insertion stands)."""
        code = offset - self.prefix_len
        for start, length in self.inserted:
            if offset <= start:
                break
            code -= min(length, offset - start)
        return code

    @property
    def _suffix_len(self) -> int:
        return len(JAVA_WRAPPER_SUFFIX.encode()) if self.prefix_len else 0

    def text(self, node: Node) -> str:
        """The source text of `node`."""
        return self.data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def span(self, node: Node) -> tuple[int, int]:
        """(start, end) of `node` as byte offsets into the original code."""
        if self.inserted:
            return self.to_code(node.start_byte), self.to_code(node.end_byte)
        return node.start_byte - self.prefix_len, node.end_byte - self.prefix_len

    def line_of(self, offset: int) -> int:
        """1-based line number in the original code of a byte offset into it."""
        return self.code_bytes.count(b"\n", 0, max(offset, 0)) + 1

    def overlaps_error(self, node_or_span: Node | tuple[int, int]) -> bool:
        """True when the node (or code span) touches an error node."""
        start, end = node_or_span if isinstance(node_or_span, tuple) else self.span(node_or_span)
        return any(_touches(start, end, e_start, e_end) for e_start, e_end in self.errors)

    def error_lines(self) -> list[int]:
        """The lines (1-based, in the original code) where error nodes start."""
        return sorted({self.line_of(start) for start, _ in self.errors})

    def functions(self) -> list[Node]:
        """Function definitions (C) or method and constructor declarations (Java), in
        document order (an enclosing function before the ones nested in it). Found by a
        tree-sitter query, which walks the tree in C."""
        captured = QueryCursor(_function_query(self.lang)).captures(self.root)
        found = [node for nodes in captured.values() for node in nodes]
        return sorted(found, key=lambda node: (node.start_byte, -node.end_byte))

    def in_code(self, node: Node) -> bool:
        """True when the node lies inside the original code (not in the Java wrapper, nor in
        an inserted `int `, where a non-empty node maps to an empty span)."""
        start, end = self.span(node)
        if self.inserted and start == end and node.end_byte > node.start_byte:
            return False
        return start >= 0 and end <= len(self.code_bytes)


def _touches(start: int, end: int, e_start: int, e_end: int) -> bool:
    """Whether span [start, end) meets error span [e_start, e_end); a zero-width (MISSING)
    error meets every span that contains its position, ends included."""
    if e_start == e_end:
        return start <= e_start <= end
    return e_start < end and start < e_end


def _parse_bytes(data: bytes, lang: str) -> Tree:
    return _parser(lang).parse(data)


def _build(
    code: str,
    lang: str,
    data: bytes,
    prefix_len: int,
    tree: Tree,
    inserted: tuple[tuple[int, int], ...] = (),
) -> ParsedCode:
    raw_errors = tuple((n.start_byte, n.end_byte) for n in _error_nodes(tree.root_node))
    parsed = ParsedCode(code, lang, tree, data, prefix_len, (), inserted, raw_errors)
    errors = tuple((parsed.to_code(a), parsed.to_code(b)) for a, b in raw_errors)
    return ParsedCode(code, lang, tree, data, prefix_len, errors, inserted, raw_errors)


def _misread_head(root: Node) -> bool:
    """Whether a top-level function definition has a type name and a parenthesised name for a
    declarator, which is how tree-sitter-c reads `static f(void) { ... }`."""
    for child in root.children:
        if child.type == "function_definition":
            type_node = child.child_by_field_name("type")
            declarator = child.child_by_field_name("declarator")
            if (
                type_node is not None
                and type_node.type == "type_identifier"
                and declarator is not None
                and declarator.type == "parenthesized_declarator"
            ):
                return True
    return False


def _with_implicit_int(code: str, raw: bytes, plain: ParsedCode) -> ParsedCode:
    """`plain`, or the parse with `int ` inserted before implicit-int functions' names when
    there are any and that parses with no more errors (fewer, unless `plain` misread one)."""
    from metacompress.code.implicit_int import INSERTED, implicit_int_heads
    from metacompress.code.names import C_KEYWORDS  # names imports this module

    heads = implicit_int_heads(raw, C_KEYWORDS)
    if not heads:
        return plain
    insert = INSERTED.encode()
    pieces, inserted, cursor = [], [], 0
    for number, offset in enumerate(heads):
        pieces += [raw[cursor:offset], insert]
        inserted.append((offset + number * len(insert), len(insert)))
        cursor = offset
    data = b"".join([*pieces, raw[cursor:]])
    normalised = _build(code, "c", data, 0, _parse_bytes(data, "c"), tuple(inserted))
    if normalised.error_count < plain.error_count or (
        normalised.error_count == plain.error_count == 0
    ):
        return normalised
    return plain


def parse(code: str, lang: str, *, implicit_int: bool = True) -> ParsedCode:
    """Parse `code` as C or Java; bare Java methods are parsed inside a wrapper class, C
    functions without a return type with `int ` inserted (see the module docstring; not with
    `implicit_int=False`)."""
    language(lang)
    raw = code.encode("utf-8")
    prefix = JAVA_WRAPPER_PREFIX.encode()
    if lang == "java" and not (
        any(word in code for word in _JAVA_DECLARATION_WORDS)
        and _JAVA_DECLARATION_WORD.search(code)
    ):
        # No word that starts a top-level declaration: the code cannot be a compilation unit,
        # so the wrapped parse is the answer and the plain one is not needed.
        data = prefix + raw + JAVA_WRAPPER_SUFFIX.encode()
        return _build(code, lang, data, len(prefix), _parse_bytes(data, lang))
    tree = _parse_bytes(raw, lang)
    if lang == "c":
        plain = _build(code, lang, raw, 0, tree)
        if implicit_int and (plain.error_count or _misread_head(tree.root_node)):
            return _with_implicit_int(code, raw, plain)
        return plain
    top_level = {child.type for child in tree.root_node.children}
    unwrapped = _build(code, lang, raw, 0, tree)
    if top_level & _JAVA_TYPE_DECLARATIONS and unwrapped.error_count == 0:
        return unwrapped
    wrapped_data = prefix + raw + JAVA_WRAPPER_SUFFIX.encode()
    wrapped = _build(code, lang, wrapped_data, len(prefix), _parse_bytes(wrapped_data, lang))
    if wrapped.error_count <= unwrapped.error_count or not top_level & _JAVA_TYPE_DECLARATIONS:
        return wrapped
    return unwrapped


def count_errors(code: str, lang: str) -> int:
    """Number of error nodes in the parse of `code`."""
    return parse(code, lang).error_count
