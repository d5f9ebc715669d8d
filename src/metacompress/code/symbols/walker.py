"""The walk that resolves names in one function: a work stack of nodes and operations, a stack
of scopes, and a dispatch table per language (`symbols.c`, `symbols.java`) saying what each node
type does: open a scope, declare a name, be skipped, or run a handler that schedules more work.

A handler takes the walker and a node and calls `walker.schedule([...])` with nodes to visit
and operations: `(PUSH, node, None)` opens a scope spanning `node`, `(POP, node, None)` closes
it, `(BIND, identifier, kind)` declares `identifier` in the innermost scope, `(SCAN, node,
reason)` marks every name in `node`'s text unsafe, `(CALL, node, handler)` runs `handler(walker,
node)` at that point of the walk. An identifier resolves to the innermost visible binding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from tree_sitter import Node

from metacompress.code.names import identifier_tokens
from metacompress.code.parsing import ParsedCode
from metacompress.code.symbols.table import OPAQUE, Skipped, Span, Symbol


class Binding:
    __slots__ = ("name", "kind", "decls", "uses", "scope")

    def __init__(self, name: str, kind: str, scope: Span) -> None:
        self.name = name
        self.kind = kind
        self.scope = scope
        self.decls: list[Span] = []
        self.uses: list[Span] = []


# Work-stack items of the walker: a node to visit, or (operation, node, argument).
Action = Node | tuple
PUSH, POP, BIND, SCAN, CALL = range(5)
# How the main loop treats a node type that has no handler.
IGNORE, TYPE_NAME, SCOPE = range(3)
#: Nodes that hold no variable reference (literals, comments, keywords, labels, fields, types
#: of Java, annotations), or whose names are handled elsewhere (jumps name labels only).
SKIP = frozenset(
    {
        "comment",
        "line_comment",
        "block_comment",
        "string_literal",
        "char_literal",
        "character_literal",
        "number_literal",
        "string_content",
        "system_lib_string",
        "escape_sequence",
        "primitive_type",
        "type_qualifier",
        "storage_class_specifier",
        "true",
        "false",
        "null",
        "field_identifier",
        "statement_identifier",
        "goto_statement",
        "break_statement",
        "continue_statement",
        "string_fragment",
        "decimal_integer_literal",
        "hex_integer_literal",
        "octal_integer_literal",
        "binary_integer_literal",
        "decimal_floating_point_literal",
        "hex_floating_point_literal",
        "null_literal",
        "integral_type",
        "floating_point_type",
        "boolean_type",
        "void_type",
        "annotation",
        "marker_annotation",
        "modifiers",
        "scoped_identifier",
        "this",
        "super",
    }
)
#: A node whose type ends so is a statement or declaration: the unit an error may disturb.
STATEMENT_SUFFIXES = ("statement", "declaration", "_clause", "parameter", "parameters", "_list")
#: Statement lists and other containers an error zone never widens to.
CONTAINERS = frozenset(
    {
        "compound_statement",
        "block",
        "constructor_body",
        "class_body",
        "translation_unit",
        "program",
        "switch_block",
        "function_definition",
        "declaration_list",
        "field_declaration_list",
        "preproc_if",
        "preproc_ifdef",
        "preproc_else",
        "preproc_elif",
    }
)


def error_zones(parsed: ParsedCode) -> list[tuple[int, int]]:
    """Raw byte spans of the statements (or declarations) that hold a parse error: for each
    error node, its innermost statement-like ancestor below the enclosing block, else the
    error node itself."""
    zones: list[tuple[int, int]] = []
    stack = [parsed.root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            zone = node
            parent = node.parent
            while parent is not None and parent.type not in CONTAINERS:
                if parent.type.endswith(STATEMENT_SUFFIXES):
                    zone = parent
                    break
                parent = parent.parent
            zones.append((zone.start_byte, zone.end_byte))
        elif node.has_error:
            stack.extend(node.children)
    return zones


class Walker:
    """Walks one function with an explicit work stack (deeply nested code needs no
    recursion) and resolves every identifier against a stack of scopes."""

    def __init__(
        self,
        parsed: ParsedCode,
        function: Node,
        error_zones: list[tuple[int, int]],
        dispatch: dict[str, Any],
    ) -> None:
        self.parsed = parsed
        self.data = parsed.data
        self.prefix = parsed.prefix_len
        self.function = function
        self.dispatch = dispatch
        self.scopes: list[dict[str, Binding]] = []
        self.visible: dict[str, list[Binding]] = {}
        self.scope_spans: list[Span] = []
        self.bindings: list[Binding] = []
        self.unsafe: dict[str, str] = {}
        self.near_error: dict[int, str] = {}
        self.has_errors = parsed.error_count > 0
        self.error_zones = error_zones
        self.type_names: set[str] = set()
        self.stack: list[Action] = []

    # -- helpers -----------------------------------------------------------------------------
    def span(self, node: Node) -> Span:
        """The node's span in the parsed data less the Java wrapper's prefix (the code's span,
        unless text was inserted: `result` maps those)."""
        return node.start_byte - self.prefix, node.end_byte - self.prefix

    def name(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def lookup(self, name: str) -> Binding | None:
        chain = self.visible.get(name)
        return chain[-1] if chain else None

    def mark_unsafe(self, name: str, reason: str) -> None:
        self.unsafe.setdefault(name, reason)

    def scan(self, node: Node, reason: str) -> None:
        """Mark every identifier-like token in the text of `node` unsafe."""
        text = self.data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")
        for token in identifier_tokens(text):
            self.mark_unsafe(token, reason)

    def line(self, node: Node) -> int:
        return self.parsed.line_of(self.parsed.to_code(node.start_byte))

    def schedule(self, actions: list[Action]) -> None:
        """Run `actions` (nodes to visit and operations) next, in the order given."""
        self.stack.extend(reversed(actions))

    # -- the walk ----------------------------------------------------------------------------
    def run(self) -> None:
        """The main loop; identifiers, skipped leaves and plain nodes are handled inline
        because they are most of the work."""
        self.stack = [self.function]
        stack = self.stack
        data, prefix, visible = self.data, self.prefix, self.visible
        dispatch = self.dispatch
        has_errors = self.has_errors
        while stack:
            node = stack.pop()
            if node.__class__ is tuple:
                op, node, arg = node
                if op == PUSH:
                    self.scopes.append({})
                    self.scope_spans.append((node.start_byte - prefix, node.end_byte - prefix))
                elif op == POP:
                    for name in self.scopes.pop():
                        visible[name].pop()
                    self.scope_spans.pop()
                elif op == BIND:
                    self.bind(node, arg)
                elif op == SCAN:
                    self.scan(node, arg)
                else:
                    arg(self, node)
                continue
            kind = node.type
            if kind == "identifier":
                start, end = node.start_byte, node.end_byte
                chain = visible.get(data[start:end].decode("utf-8", errors="replace"))
                if chain:
                    binding = chain[-1]
                    if binding.kind != OPAQUE:
                        binding.uses.append((start - prefix, end - prefix))
                        if has_errors:
                            self.check_neighbourhood(node, binding)
                continue
            action = dispatch.get(kind)
            if action is None:
                stack.extend(reversed(node.named_children))
            elif action == IGNORE:
                continue
            elif action == SCOPE:
                stack.append((POP, node, None))
                stack.extend(reversed(node.named_children))
                stack.append((PUSH, node, None))
            elif action == TYPE_NAME:
                self.type_names.add(self.name(node))
            else:
                action(self, node)

    @staticmethod
    def visits(nodes: Iterable[Node | None]) -> list[Node]:
        return [n for n in nodes if n is not None]

    def bind(self, node: Node, kind: str) -> None:
        """Declare the identifier `node` in the innermost scope; a second declaration of a
        name in one scope (C under #if/#else) joins the first."""
        name = self.name(node)
        if node.type != "identifier":
            self.mark_unsafe(name, f"it is declared by a {node.type} at line {self.line(node)}")
            return
        scope = self.scopes[-1]
        binding = scope.get(name)
        if binding is None or (binding.kind == OPAQUE) != (kind == OPAQUE):
            binding = Binding(name, kind, self.scope_spans[-1])
            chain = self.visible.setdefault(name, [])
            if name in scope:
                chain[-1] = binding
            else:
                chain.append(binding)
            scope[name] = binding
            if kind != OPAQUE:
                self.bindings.append(binding)
        if kind != OPAQUE:
            binding.decls.append(self.span(node))
            if self.has_errors:
                self.check_neighbourhood(node, binding)

    def check_neighbourhood(self, node: Node, binding: Binding) -> None:
        """An occurrence inside a statement that holds a parse error may be misread
        (tree-sitter's error recovery even depends on identifier lengths): unsafe."""
        if id(binding) in self.near_error:
            return
        start, end = node.start_byte, node.end_byte
        for zone_start, zone_end in self.error_zones:
            if zone_start <= start and end <= zone_end:
                reason = f"an occurrence is next to a parse error at line {self.line(node)}"
                self.near_error[id(binding)] = reason
                return

    def map_to_code(self) -> None:
        """Spans of a parse with inserted text were taken in the parsed data (the hot loop
        subtracts only the prefix); map them to the code."""
        to_code = self.parsed.to_code
        for binding in self.bindings:
            binding.decls = [(to_code(a), to_code(b)) for a, b in binding.decls]
            binding.uses = [(to_code(a), to_code(b)) for a, b in binding.uses]
            binding.scope = (to_code(binding.scope[0]), to_code(binding.scope[1]))

    # -- results -----------------------------------------------------------------------------
    def result(self) -> tuple[list[Symbol], list[Skipped]]:
        symbols: list[Symbol] = []
        skipped: list[Skipped] = []
        function = self.parsed.span(self.function)
        if self.parsed.inserted:
            self.map_to_code()
        for binding in self.bindings:
            if not binding.decls:
                continue
            occurrences = tuple(sorted({*binding.decls, *binding.uses}))
            reason = self.unsafe.get(binding.name)
            if reason is None:
                reason = self.near_error.get(id(binding))
            if reason is None and binding.name in self.type_names:
                reason = "its name is also used as a type name in the function"
            if reason is None and self.has_errors:
                for occurrence in occurrences:
                    if self.parsed.overlaps_error(occurrence):
                        line = self.parsed.line_of(occurrence[0])
                        reason = f"an occurrence touches a parse error at line {line}"
                        break
            if reason is not None:
                skipped.append(Skipped(binding.name, binding.kind, binding.decls[0], reason))
                continue
            symbols.append(
                Symbol(
                    binding.name,
                    binding.kind,
                    binding.decls[0],
                    occurrences,
                    binding.scope,
                    function,
                    tuple(binding.decls),
                )
            )
        return symbols, skipped


def _error(w: Walker, node: Node) -> None:
    w.scan(node, f"it appears in a parse error at line {w.line(node)}")


def make_dispatch(
    handlers: dict[str, Callable[[Walker, Node], None]],
    scopes: frozenset[str],
    ignored: frozenset[str],
) -> dict[str, Any]:
    """A language's dispatch table: node type -> handler, or how the main loop treats it
    (IGNORE: skip the subtree, SCOPE: open a scope around its children, TYPE_NAME: record a
    type name). Parse errors mark their names unsafe; unknown types visit their children."""
    table: dict = dict.fromkeys(SKIP | ignored, IGNORE)
    table.update(dict.fromkeys(scopes, SCOPE))
    table.update(handlers)
    table["ERROR"] = _error
    return table
