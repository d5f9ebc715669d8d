"""Parsing C and Java with tree-sitter (grammars from the PyPI packages, nothing compiled).

BigCloneBench methods are bare Java methods, which are not a compilation unit: they are parsed
inside a wrapper class, and every node span is mapped back to the method text by subtracting
the wrapper's length (`ParsedCode.span`). Offsets are bytes of the UTF-8 encoding.

Error nodes (ERROR, and MISSING tokens that tree-sitter inserted) are collected once; the
transformations never edit inside or across one (`ParsedCode.overlaps_error`).
"""

from __future__ import annotations

import functools
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
    """A parse of `code` in `lang`; spans are byte offsets into `code.encode()`."""

    code: str
    lang: str
    tree: Tree
    data: bytes
    prefix_len: int = 0
    errors: tuple[tuple[int, int], ...] = field(default=())

    @property
    def root(self) -> Node:
        return self.tree.root_node

    @property
    def error_count(self) -> int:
        return len(self.errors)

    @property
    def code_bytes(self) -> bytes:
        return self.data[self.prefix_len : len(self.data) - self._suffix_len]

    @property
    def _suffix_len(self) -> int:
        return len(JAVA_WRAPPER_SUFFIX.encode()) if self.prefix_len else 0

    def text(self, node: Node) -> str:
        """The source text of `node`."""
        return self.data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def span(self, node: Node) -> tuple[int, int]:
        """(start, end) of `node` as byte offsets into the original code."""
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
        """True when the node lies inside the original code (not in the Java wrapper)."""
        start, end = self.span(node)
        return start >= 0 and end <= len(self.code_bytes)


def _touches(start: int, end: int, e_start: int, e_end: int) -> bool:
    """Whether span [start, end) meets error span [e_start, e_end); a zero-width (MISSING)
    error meets every span that contains its position, ends included."""
    if e_start == e_end:
        return start <= e_start <= end
    return e_start < end and start < e_end


def _parse_bytes(data: bytes, lang: str) -> Tree:
    return _parser(lang).parse(data)


def _build(code: str, lang: str, data: bytes, prefix_len: int, tree: Tree) -> ParsedCode:
    errors = tuple(
        (n.start_byte - prefix_len, n.end_byte - prefix_len) for n in _error_nodes(tree.root_node)
    )
    return ParsedCode(code, lang, tree, data, prefix_len, errors)


def parse(code: str, lang: str) -> ParsedCode:
    """Parse `code` as C or Java; bare Java methods are parsed inside a wrapper class."""
    language(lang)
    raw = code.encode("utf-8")
    tree = _parse_bytes(raw, lang)
    if lang == "c":
        return _build(code, lang, raw, 0, tree)
    top_level = {child.type for child in tree.root_node.children}
    unwrapped = _build(code, lang, raw, 0, tree)
    if top_level & _JAVA_TYPE_DECLARATIONS and unwrapped.error_count == 0:
        return unwrapped
    prefix = JAVA_WRAPPER_PREFIX.encode()
    wrapped_data = prefix + raw + JAVA_WRAPPER_SUFFIX.encode()
    wrapped = _build(code, lang, wrapped_data, len(prefix), _parse_bytes(wrapped_data, lang))
    if wrapped.error_count <= unwrapped.error_count or not top_level & _JAVA_TYPE_DECLARATIONS:
        return wrapped
    return unwrapped


def count_errors(code: str, lang: str) -> int:
    """Number of error nodes in the parse of `code`."""
    return parse(code, lang).error_count
