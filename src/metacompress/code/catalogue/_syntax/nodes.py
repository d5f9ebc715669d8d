"""Walking the tree and turning raw offsets into edits: the helpers every syntax question and
every transformation uses. Offsets are raw byte offsets into `parsed.data` (`node.start_byte`);
`edit` turns them into an `Edit` of the original code."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from metacompress.code.edits import Edit
from metacompress.code.parsing import ParsedCode

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


def nodes_in_bodies(parsed: ParsedCode, types: frozenset[str]) -> list[Node]:
    """Nodes of the given types in function bodies (the bodies included), each once, in
    document order."""
    seen: set[tuple[int, int, str]] = set()
    found = []
    for body in function_bodies(parsed):
        for node in walk(body, stop=frozenset()):
            if node.type in types and key(node) not in seen:
                seen.add(key(node))
                found.append(node)
    found.sort(key=lambda n: (n.start_byte, -n.end_byte))
    return found


def has_preproc(node: Node) -> bool:
    """True when `node` contains a preprocessor directive."""
    return any(n.type.startswith("preproc") for n in walk(node, stop=frozenset()))
