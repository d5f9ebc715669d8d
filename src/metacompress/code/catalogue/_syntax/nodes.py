"""Walking the tree and turning raw offsets into edits: the helpers every syntax question and
every transformation uses. Offsets are raw byte offsets into `parsed.data` (`node.start_byte`);
`edit` turns them into an `Edit` of the original code."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from tree_sitter import Node, Query, QueryCursor

from metacompress.code.edits import Edit
from metacompress.code.parsing import ParsedCode, language

COMMENTS = frozenset({"comment", "line_comment", "block_comment"})


#: Jumps (break, continue, return) never cross these nodes.
JUMP_BOUNDARIES = frozenset(
    {
        "function_definition",
        "method_declaration",
        "constructor_declaration",
        "lambda_expression",
        "class_body",
        "translation_unit",
        "program",
    }
)


def edit(parsed: ParsedCode, start: int, end: int, text: str) -> Edit:
    """An Edit replacing raw bytes [start, end) of `parsed.data` by `text`."""
    return Edit(parsed.to_code(start), parsed.to_code(end), text)


def children(node: Node, field: str) -> list[Node]:
    """All children of `node` under `field` (Java for-init and update may repeat)."""
    return [c for i, c in enumerate(node.children) if node.field_name_for_child(i) == field]


def walk(node: Node, stop: frozenset[str] = JUMP_BOUNDARIES) -> Iterator[Node]:
    """`node` and its descendants in document order, not entering nodes of type `stop`
    (other than `node` itself)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if current is node or current.type not in stop:
            stack.extend(reversed(current.children))


def ancestors(node: Node) -> Iterator[Node]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def key(node: Node) -> tuple[int, int, str]:
    """A hashable identity of a node within one tree."""
    return node.start_byte, node.end_byte, node.type


def function_bodies(parsed: ParsedCode) -> list[Node]:
    """The bodies of every function (C) or method and constructor (Java) in the code."""
    bodies = []
    for function in parsed.functions():
        body = function.child_by_field_name("body")
        if body is not None and parsed.in_code(body):
            bodies.append(body)
    return bodies


@functools.cache
def _types_query(lang: str, types: frozenset[str]) -> Query | None:
    """A query capturing every node of `types` (those the language has), or None."""
    grammar = language(lang)
    kinds = sorted(t for t in types if grammar.id_for_node_kind(t, True))
    if not kinds:
        return None
    return Query(grammar, "[" + " ".join(f"({kind})" for kind in kinds) + "] @node")


def nodes_in_bodies(parsed: ParsedCode, types: frozenset[str]) -> list[Node]:
    """Nodes of the given types in function bodies (the bodies included), each once, in
    document order. (Found by a tree-sitter query, which walks the tree in C, and kept when a
    function body is among their ancestors.)"""
    bodies = {body.id for body in function_bodies(parsed)}
    query = _types_query(parsed.lang, types)
    if not bodies or query is None:
        return []
    captured = [n for nodes in QueryCursor(query).captures(parsed.root).values() for n in nodes]
    captured.sort(key=lambda n: (n.start_byte, -n.end_byte))
    seen: set[tuple[int, int, str]] = set()
    found = []
    for node in captured:
        ancestor: Node | None = node
        while ancestor is not None and ancestor.id not in bodies:
            ancestor = ancestor.parent
        if ancestor is not None and key(node) not in seen:
            seen.add(key(node))
            found.append(node)
    return found


def has_preproc(node: Node) -> bool:
    """True when `node` contains a preprocessor directive."""
    return any(n.type.startswith("preproc") for n in walk(node, stop=frozenset()))
