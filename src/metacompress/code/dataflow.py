"""Data flow graphs of C and Java functions, as GraphCodeBERT uses them.

`extract_dataflow(code, lang)` returns the code's tokens (tree-sitter leaves, comments left
out, a string or character literal as one token) and its data-flow nodes: one node per
occurrence of a variable, with the token indexes of the occurrences its value comes from.

Rules (GraphCodeBERT's, applied to the C and Java grammars), with `defs[v]` the occurrences
that last defined variable v on the paths reaching the current point:
- a variable read: it comes from `defs[v]` ("comesFrom"); a variable never defined before
  (a global, a field) is its own first definition, with no sources;
- a declaration `T v = e`: v comes from every variable occurrence in e, then `defs[v] = {v}`;
  a declaration without value and a parameter define v with no sources;
- an assignment `v = e`: v is computed from the variables of e ("computedFrom"), plus
  `defs[v]` for a compound operator (`v += e`); then `defs[v] = {v}`. An assignment to
  anything else (`a[i] = e`, `p->f = e`) reads its variables;
- `v++` / `--v`: v is computed from `defs[v]`, then defines v;
- branches (if/else, the arms of ?:, switch cases) start from the same `defs` and are merged by
  union afterwards; a loop body is walked twice, so values flowing around the loop appear.
Nodes with the same token are merged (union of sources); the result is sorted by token.

What counts as a variable: identifiers, except function and method names (declared or
called), type, class and label names, and field names after `.` or `->`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node

from metacompress.code.parsing import ParsedCode, parse

COMES_FROM = "comesFrom"
COMPUTED_FROM = "computedFrom"

#: Nodes that are one token even though tree-sitter gives them children.
_ATOMIC = {
    "c": {"string_literal", "char_literal", "system_lib_string"},
    "java": {"string_literal", "character_literal", "text_block"},
}
_COMMENTS = {"comment", "line_comment", "block_comment"}
#: (parent type, field) pairs whose identifier is a name, not a variable.
_NOT_VARIABLES = {
    ("call_expression", "function"),
    ("function_declarator", "declarator"),
    ("method_invocation", "name"),
    ("method_declaration", "name"),
    ("constructor_declaration", "name"),
    ("class_declaration", "name"),
    ("interface_declaration", "name"),
    ("enum_declaration", "name"),
    ("record_declaration", "name"),
    ("field_access", "field"),
    ("method_reference", None),
    ("marker_annotation", "name"),
    ("annotation", "name"),
    ("labeled_statement", None),
    ("break_statement", None),
    ("continue_statement", None),
    ("scoped_identifier", None),
    ("enum_constant", "name"),
    ("preproc_def", "name"),
    ("preproc_function_def", "name"),
    ("goto_statement", "label"),
}
_ASSIGNMENTS = {"assignment_expression"}
_UPDATES = {"update_expression"}
_LOOPS = {"while_statement", "do_statement", "for_statement", "enhanced_for_statement"}
_BRANCHES = {"if_statement", "conditional_expression", "ternary_expression"}
_INIT_DECLARATORS = {"init_declarator", "variable_declarator"}
_PARAMETERS = {
    "parameter_declaration",
    "formal_parameter",
    "spread_parameter",
    "catch_formal_parameter",
    "inferred_parameters",
}


@dataclass(frozen=True)
class CodeToken:
    """One token of the code: its text and its character span in the code."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class FlowNode:
    """An occurrence of a variable (token index `token`) and where its value comes from."""

    name: str
    token: int
    relation: str
    sources: tuple[int, ...]


@dataclass(frozen=True)
class DataFlow:
    """Tokens and data-flow nodes (sorted by token index) of one code."""

    tokens: tuple[CodeToken, ...]
    nodes: tuple[FlowNode, ...]

    def edges(self) -> list[tuple[int, int]]:
        """(node index, source node index) pairs: the 'comes from' edges between nodes."""
        index = {node.token: i for i, node in enumerate(self.nodes)}
        return [
            (i, index[s]) for i, node in enumerate(self.nodes) for s in node.sources if s in index
        ]


def _char_offsets(parsed: ParsedCode) -> list[int] | None:
    """Byte offset -> character offset table, or None when the code is ASCII."""
    data = parsed.code_bytes
    if len(data) == len(parsed.code):
        return None
    table = [0] * (len(data) + 1)
    pos = 0
    for i, ch in enumerate(parsed.code):
        size = len(ch.encode("utf-8", errors="surrogatepass"))
        for k in range(size):
            table[pos + k] = i
        pos += size
    table[len(data)] = len(parsed.code)
    return table


def _leaves(parsed: ParsedCode, node: Node) -> Iterator[Node]:
    atomic = _ATOMIC[parsed.lang]
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in _COMMENTS or current.start_byte == current.end_byte:
            continue
        if current.child_count == 0 or current.type in atomic:
            if parsed.in_code(current):
                yield current
            continue
        stack.extend(reversed(current.children))


class _Walker:
    """The walk over one parse that emits flow nodes (see the module docstring)."""

    def __init__(self, parsed: ParsedCode) -> None:
        self.parsed = parsed
        self.token_of: dict[tuple[int, int], int] = {}
        self.tokens: list[CodeToken] = []
        table = _char_offsets(parsed)
        for leaf in _leaves(parsed, parsed.root):
            start, end = parsed.span(leaf)
            self.token_of[(leaf.start_byte, leaf.end_byte)] = len(self.tokens)
            if table is not None:
                start, end = table[start], table[end]
            self.tokens.append(CodeToken(parsed.text(leaf), start, end))
        self.found: dict[int, FlowNode] = {}
        self.names = self._names(parsed.root)

    @staticmethod
    def _names(root: Node) -> set[tuple[int, int]]:
        """Spans of identifiers that name functions, types, labels or fields."""
        found: set[tuple[int, int]] = set()
        stack = [root]
        while stack:
            node = stack.pop()
            for i, child in enumerate(node.children):
                if child.type == "identifier" and (
                    (node.type, node.field_name_for_child(i)) in _NOT_VARIABLES
                    or (node.type, None) in _NOT_VARIABLES
                ):
                    found.add((child.start_byte, child.end_byte))
                stack.append(child)
        return found

    # -- what is a variable -------------------------------------------------------------
    def is_variable(self, node: Node) -> bool:
        span = (node.start_byte, node.end_byte)
        return node.type == "identifier" and span in self.token_of and span not in self.names

    def variables(self, node: Node | None) -> list[Node]:
        if node is None:
            return []
        found = []
        stack = [node]
        while stack:
            current = stack.pop()
            if self.is_variable(current):
                found.append(current)
            elif current.type not in _ATOMIC[self.parsed.lang]:
                stack.extend(reversed(current.children))
        return found

    def index(self, node: Node) -> int:
        return self.token_of[(node.start_byte, node.end_byte)]

    def emit(self, node: Node, relation: str, sources: list[int]) -> int:
        idx = self.index(node)
        old = self.found.get(idx)
        if old is not None:
            relation = old.relation
        merged = tuple(sorted(set(sources) | set(old.sources if old else ())))
        self.found[idx] = FlowNode(node.text.decode("utf-8", "replace"), idx, relation, merged)
        return idx

    # -- the walk -----------------------------------------------------------------------
    def walk(self, node: Node | None, defs: dict[str, list[int]]) -> dict[str, list[int]]:
        if node is None or node.type in _COMMENTS:
            return defs
        kind = node.type
        if self.is_variable(node):
            return self.read(node, defs)
        if kind in _INIT_DECLARATORS:
            return self.declare(node, defs)
        if kind in _PARAMETERS or (kind == "declaration" and self.parsed.lang == "c"):
            return self.declaration(node, defs)
        if kind in _ASSIGNMENTS:
            return self.assign(node, defs)
        if kind in _UPDATES:
            return self.update(node, defs)
        if kind in _BRANCHES:
            return self.branch(node, defs)
        if kind in _LOOPS:
            return self.loop(node, defs)
        if kind == "switch_statement" or kind == "switch_expression":
            return self.switch(node, defs)
        for child in node.children:
            defs = self.walk(child, defs)
        return defs

    def read(self, node: Node, defs: dict[str, list[int]]) -> dict[str, list[int]]:
        name = node.text.decode("utf-8", "replace")
        if name in defs:
            self.emit(node, COMES_FROM, defs[name])
            return defs
        idx = self.emit(node, COMES_FROM, [])
        return {**defs, name: [idx]}

    def define(self, names: list[Node], relation: str, sources: list[int], defs):
        defs = dict(defs)
        for target in names:
            defs[target.text.decode("utf-8", "replace")] = [self.emit(target, relation, sources)]
        return defs

    def declared_names(self, declarator: Node | None) -> tuple[list[Node], list[Node]]:
        """(the declared variable, nodes read inside the declarator such as array sizes)."""
        if declarator is None:
            return [], []
        if self.is_variable(declarator):
            return [declarator], []
        inner = declarator.child_by_field_name("declarator") or declarator.child_by_field_name(
            "name"
        )
        if inner is None:
            return [], []
        names, reads = self.declared_names(inner)
        size = declarator.child_by_field_name("size")
        return names, reads + ([size] if size is not None else [])

    def declare(self, node: Node, defs):
        value = node.child_by_field_name("value")
        target = node.child_by_field_name("declarator") or node.child_by_field_name("name")
        names, reads = self.declared_names(target)
        for read in reads:
            defs = self.walk(read, defs)
        defs = self.walk(value, defs)
        sources = [self.index(v) for v in self.variables(value)]
        return self.define(names, COMES_FROM, sources, defs)

    def declaration(self, node: Node, defs):
        if node.type == "inferred_parameters":
            return self.define(self.variables(node), COMES_FROM, [], defs)
        targets = [
            child
            for i, child in enumerate(node.children)
            if node.field_name_for_child(i) in ("declarator", "name")
        ]
        for target in targets:
            if target.type in _INIT_DECLARATORS:
                defs = self.declare(target, defs)
                continue
            names, reads = self.declared_names(target)
            for read in reads:
                defs = self.walk(read, defs)
            defs = self.define(names, COMES_FROM, [], defs)
        return defs

    def assign(self, node: Node, defs):
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        operator = node.child_by_field_name("operator")
        defs = self.walk(right, defs)
        sources = [self.index(v) for v in self.variables(right)]
        if left is None or not self.is_variable(left):
            return self.walk(left, defs)
        name = left.text.decode("utf-8", "replace")
        if operator is not None and operator.type != "=":
            sources += defs.get(name, [])
        return self.define([left], COMPUTED_FROM, sources, defs)

    def update(self, node: Node, defs):
        target = node.child_by_field_name("argument")
        if target is None:
            target = next((c for c in node.children if c.is_named), None)
        if target is None or not self.is_variable(target):
            return self.walk(target, defs)
        name = target.text.decode("utf-8", "replace")
        return self.define([target], COMPUTED_FROM, list(defs.get(name, [])), defs)

    def branch(self, node: Node, defs):
        condition = node.child_by_field_name("condition")
        defs = self.walk(condition, defs)
        arms = [
            node.child_by_field_name("consequence"),
            node.child_by_field_name("alternative"),
        ]
        results = [self.walk(arm, dict(defs)) for arm in arms if arm is not None]
        if len(results) < 2:
            results.append(defs)
        return _merge(results)

    def switch(self, node: Node, defs):
        condition = node.child_by_field_name("condition")
        defs = self.walk(condition, defs)
        body = node.child_by_field_name("body")
        cases = [c for c in body.children if c.is_named] if body is not None else []
        results = [defs]
        state = defs
        for case in cases:
            state = self.walk(case, _merge([defs, state]))
            results.append(state)
        return _merge(results)

    def loop(self, node: Node, defs):
        kind = node.type
        if kind == "enhanced_for_statement":
            value = node.child_by_field_name("value")
            defs = self.walk(value, defs)
            sources = [self.index(v) for v in self.variables(value)]
            names = self.variables(node.child_by_field_name("name"))
            defs = self.define(names, COMES_FROM, sources, defs)
            parts = [node.child_by_field_name("body")]
        elif kind == "for_statement":
            init = node.child_by_field_name("initializer") or node.child_by_field_name("init")
            defs = self.walk(init, defs)
            parts = [
                node.child_by_field_name("condition"),
                node.child_by_field_name("body"),
                node.child_by_field_name("update"),
            ]
        elif kind == "do_statement":
            parts = [node.child_by_field_name("body"), node.child_by_field_name("condition")]
        else:
            parts = [node.child_by_field_name("condition"), node.child_by_field_name("body")]
        before = defs
        for _ in range(2):
            state = defs
            for part in parts:
                state = self.walk(part, state)
            defs = _merge([before, state])
        return defs


def _merge(states: list[dict[str, list[int]]]) -> dict[str, list[int]]:
    merged: dict[str, set[int]] = {}
    for state in states:
        for name, sources in state.items():
            merged.setdefault(name, set()).update(sources)
    return {name: sorted(sources) for name, sources in merged.items()}


def extract_dataflow(code: str, lang: str) -> DataFlow:
    """The tokens and data-flow nodes of `code` (C or Java); see the module docstring."""
    return dataflow_of(parse(code, lang))


def dataflow_of(parsed: ParsedCode) -> DataFlow:
    """`extract_dataflow` on an existing parse."""
    walker = _Walker(parsed)
    walker.walk(parsed.root, {})
    nodes = tuple(walker.found[i] for i in sorted(walker.found))
    return DataFlow(tokens=tuple(walker.tokens), nodes=nodes)
