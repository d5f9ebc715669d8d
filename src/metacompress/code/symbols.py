"""Scope-aware symbol tables of C functions and Java methods.

For every function (outermost function definition, method or constructor; functions nested in
it, such as methods of anonymous classes, are walked as part of it) the table lists its
renamable variables: parameters of its signature (kind "parameter") and everything declared in
its body (kind "local": locals with or without initialiser, for-init and enhanced-for
variables, catch parameters, try-with-resources variables, lambda parameters, Java pattern
variables, and the parameters of nested methods). Each `Symbol` has every occurrence, resolved
by scope: a name refers to the innermost visible declaration, a declaration is visible from its
declarator to the end of its scope, and an inner declaration hides an outer one.

Names that are never renamable variables are recognised by where they stand: C struct fields
(`field_identifier`), labels (`statement_identifier`), type names (`type_identifier`), called
functions and macros that are not local (unresolved names), enum constants, `extern` and
function declarations inside a body; Java fields (`this.x`, `obj.x`, unqualified names that no
local declares), methods, classes, annotation names and fields of local or anonymous classes
(which hide outer locals inside the class body).

A variable is skipped, with the reason recorded, when renaming it could be unsafe: an
occurrence lies in a statement (or declaration) that holds a parse error, since tree-sitter's
error recovery may have misread it; its name appears inside an error node, in a `#define`
anywhere in the file or another preprocessor directive of the function (a macro body may use
it by name, invisibly); in C its name is also used as a type name in the function (a cast or
declaration the parser may have misread); in Java it appears as a `case` constant, or it is
declared by a token that is not an identifier. Spans are byte offsets into the original code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from tree_sitter import Node

from metacompress.code.names import identifier_tokens
from metacompress.code.parsing import FUNCTION_TYPES, ParsedCode

LOCAL = "local"
PARAMETER = "parameter"
KINDS = (LOCAL, PARAMETER)
_OPAQUE = "opaque"

Span = tuple[int, int]


@dataclass(frozen=True)
class Symbol:
    """A renamable variable: its name, kind, declarations and every occurrence.

    `declaration` is the span of its (first) declaring identifier, `declarations` all of them
    (C code under `#if`/`#else` may declare one variable twice), `occurrences` every span of
    the name that refers to it, declarations included, in document order. `scope` is the span
    of the block, statement or function it is visible in; `function` that of its function.
    """

    name: str
    kind: str
    declaration: Span
    occurrences: tuple[Span, ...]
    scope: Span
    function: Span
    declarations: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """A variable that is not renamable, and why."""

    name: str
    kind: str
    declaration: Span
    reason: str


@dataclass(frozen=True)
class SymbolTable:
    """The renamable symbols of a parse and the variables skipped as unsafe."""

    symbols: tuple[Symbol, ...]
    skipped: tuple[Skipped, ...]

    def of_kind(self, kinds: Iterable[str]) -> list[Symbol]:
        """The symbols whose kind is one of `kinds`."""
        wanted = set(kinds)
        return [s for s in self.symbols if s.kind in wanted]


def symbol_table(parsed: ParsedCode) -> list[Symbol]:
    """The renamable parameters and locals of every function of `parsed`."""
    return list(analyse(parsed).symbols)


def analyse(parsed: ParsedCode) -> SymbolTable:
    """Symbols of every outermost function of `parsed`, plus the skipped variables."""
    symbols: list[Symbol] = []
    skipped: list[Skipped] = []
    in_macros = macro_names(parsed.code) if parsed.lang == "c" else {}
    zones = _error_zones(parsed) if parsed.error_count else []
    for function in outermost_functions(parsed):
        walker = _Walker(parsed, function, zones)
        walker.unsafe.update(in_macros)
        walker.run()
        found, passed = walker.result()
        symbols.extend(found)
        skipped.extend(passed)
    return SymbolTable(tuple(symbols), tuple(skipped))


_DEFINE = re.compile(r"^[ \t]*#[ \t]*define\b(?:[^\n]*\\\r?\n)*[^\n]*", re.MULTILINE)


def macro_names(code: str) -> dict[str, str]:
    """Every name in a `#define` of the code -> why it is unsafe to rename: a macro body
    may use a local variable by name (Juliet's `#define CHAR_ARRAY_SIZE (3*sizeof(data)+2)`),
    and renaming the variable would silently break it."""
    if "define" not in code:
        return {}
    found: dict[str, str] = {}
    for match in _DEFINE.finditer(code):
        line = code.count("\n", 0, match.start()) + 1
        for token in identifier_tokens(match.group()):
            found.setdefault(token, f"it appears in a macro definition at line {line}")
    return found


def outermost_functions(parsed: ParsedCode) -> list[Node]:
    """Function definitions (C) or methods and constructors (Java) not nested in another."""
    kinds = FUNCTION_TYPES[parsed.lang]
    found: list[Node] = []
    stack = [parsed.root]
    while stack:
        node = stack.pop()
        if node.type in kinds:
            found.append(node)
            continue
        stack.extend(reversed(node.named_children))
    return found


def _error_zones(parsed: ParsedCode) -> list[tuple[int, int]]:
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
            while parent is not None and parent.type not in _CONTAINERS:
                if parent.type.endswith(_STATEMENT_SUFFIXES):
                    zone = parent
                    break
                parent = parent.parent
            zones.append((zone.start_byte, zone.end_byte))
        elif node.has_error:
            stack.extend(node.children)
    return zones


class _Binding:
    __slots__ = ("name", "kind", "decls", "uses", "scope")

    def __init__(self, name: str, kind: str, scope: Span) -> None:
        self.name = name
        self.kind = kind
        self.scope = scope
        self.decls: list[Span] = []
        self.uses: list[Span] = []


# Work-stack items of the walker: a node to visit, or (operation, node, argument).
Action = Node | tuple
_PUSH, _POP, _BIND, _SCAN, _KR = range(5)
# How the main loop treats a node type that has no handler.
_IGNORE, _TYPE_NAME, _SCOPE = range(3)

_C_SCOPES = frozenset({"compound_statement", "for_statement"})
_JAVA_SCOPES = frozenset(
    {"block", "constructor_body", "for_statement", "switch_block", "switch_rule"}
)
_JAVA_CLASS_BODIES = frozenset(
    {"class_body", "enum_body", "interface_body", "annotation_type_body"}
)
_JAVA_TYPE_DECLARATIONS = frozenset(
    {
        "class_declaration",
        "interface_declaration",
        "enum_declaration",
        "record_declaration",
        "annotation_type_declaration",
    }
)
#: Nodes that hold no variable reference (literals, comments, keywords, labels, fields, types
#: of Java, annotations), or whose names are handled elsewhere (jumps name labels only).
_SKIP = frozenset(
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
#: Java nodes that only spell types (Java types never hold variable references).
_JAVA_TYPES = frozenset(
    {
        "type_identifier",
        "generic_type",
        "scoped_type_identifier",
        "array_type",
        "type_arguments",
        "type_parameters",
        "dimensions",
        "catch_type",
        "throws",
        "superclass",
        "super_interfaces",
        "extends_interfaces",
    }
)
#: A node whose type ends so is a statement or declaration: the unit an error may disturb.
_STATEMENT_SUFFIXES = ("statement", "declaration", "_clause", "parameter", "parameters", "_list")
#: Statement lists and other containers an error zone never widens to.
_CONTAINERS = frozenset(
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
_C_PREPROC_DEFINITIONS = frozenset(
    {"preproc_def", "preproc_function_def", "preproc_call", "preproc_include"}
)


class _Walker:
    """Walks one function with an explicit work stack (deeply nested code needs no
    recursion) and resolves every identifier against a stack of scopes."""

    def __init__(
        self, parsed: ParsedCode, function: Node, error_zones: list[tuple[int, int]]
    ) -> None:
        self.parsed = parsed
        self.data = parsed.data
        self.prefix = parsed.prefix_len
        self.function = function
        self.java = parsed.lang == "java"
        self.scopes: list[dict[str, _Binding]] = []
        self.visible: dict[str, list[_Binding]] = {}
        self.scope_spans: list[Span] = []
        self.bindings: list[_Binding] = []
        self.unsafe: dict[str, str] = {}
        self.near_error: dict[int, str] = {}
        self.has_errors = parsed.error_count > 0
        self.error_zones = error_zones
        self.type_names: set[str] = set()
        self.stack: list[Action] = []

    # -- helpers -----------------------------------------------------------------------------
    def span(self, node: Node) -> Span:
        return node.start_byte - self.prefix, node.end_byte - self.prefix

    def name(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def lookup(self, name: str) -> _Binding | None:
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
        return self.parsed.line_of(node.start_byte - self.prefix)

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
        dispatch = _JAVA_DISPATCH if self.java else _C_DISPATCH
        has_errors = self.has_errors
        while stack:
            node = stack.pop()
            if node.__class__ is tuple:
                op, node, arg = node
                if op == _PUSH:
                    self.scopes.append({})
                    self.scope_spans.append((node.start_byte - prefix, node.end_byte - prefix))
                elif op == _POP:
                    for name in self.scopes.pop():
                        visible[name].pop()
                    self.scope_spans.pop()
                elif op == _BIND:
                    self.bind(node, arg)
                elif op == _SCAN:
                    self.scan(node, arg)
                else:
                    _c_kr_declaration(self, node)
                continue
            kind = node.type
            if kind == "identifier":
                start, end = node.start_byte, node.end_byte
                chain = visible.get(data[start:end].decode("utf-8", errors="replace"))
                if chain:
                    binding = chain[-1]
                    if binding.kind != _OPAQUE:
                        binding.uses.append((start - prefix, end - prefix))
                        if has_errors:
                            self.check_neighbourhood(node, binding)
                continue
            action = dispatch.get(kind)
            if action is None:
                stack.extend(reversed(node.named_children))
            elif action == _IGNORE:
                continue
            elif action == _SCOPE:
                stack.append((_POP, node, None))
                stack.extend(reversed(node.named_children))
                stack.append((_PUSH, node, None))
            elif action == _TYPE_NAME:
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
        if binding is None or (binding.kind == _OPAQUE) != (kind == _OPAQUE):
            binding = _Binding(name, kind, self.scope_spans[-1])
            chain = self.visible.setdefault(name, [])
            if name in scope:
                chain[-1] = binding
            else:
                chain.append(binding)
            scope[name] = binding
            if kind != _OPAQUE:
                self.bindings.append(binding)
        if kind != _OPAQUE:
            binding.decls.append(self.span(node))
            if self.has_errors:
                self.check_neighbourhood(node, binding)

    def check_neighbourhood(self, node: Node, binding: _Binding) -> None:
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

    # -- results -----------------------------------------------------------------------------
    def result(self) -> tuple[list[Symbol], list[Skipped]]:
        symbols: list[Symbol] = []
        skipped: list[Skipped] = []
        function = self.span(self.function)
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


# -- C -----------------------------------------------------------------------------------------


def _c_function(w: _Walker, node: Node) -> None:
    """Parameters in a function scope, K&R parameter declarations, then the body."""
    outermost = node.id == w.function.id
    kind = PARAMETER if outermost else LOCAL
    declarator = node.child_by_field_name("declarator")
    function_declarator = _c_function_declarator(declarator)
    actions: list[Action] = []
    if not outermost and function_declarator is not None:
        name = function_declarator.child_by_field_name("declarator")
        if name is not None and name.type == "identifier":
            actions.append((_BIND, name, _OPAQUE))
    actions.append((_PUSH, node, None))
    if function_declarator is None:
        if declarator is not None:
            actions.append((_SCAN, declarator, "the function's declarator could not be read"))
    else:
        parameters = function_declarator.child_by_field_name("parameters")
        for parameter in parameters.named_children if parameters is not None else ():
            if parameter.type == "identifier":
                actions.append((_BIND, parameter, kind))
            elif parameter.type == "parameter_declaration":
                actions.extend(_c_parameter(parameter, kind))
            elif parameter.type != "variadic_parameter":
                actions.append(parameter)
    for child in node.named_children:
        if child.type == "declaration":
            actions.append((_KR, child, None))
    body = node.child_by_field_name("body")
    if body is not None:
        actions.append(body)
    actions.append((_POP, node, None))
    w.schedule(actions)


def _c_function_declarator(node: Node | None) -> Node | None:
    while node is not None and node.type != "function_declarator":
        node = node.child_by_field_name("declarator")
    return node


def _c_parameter(node: Node, kind: str) -> list[Action]:
    actions: list[Action] = []
    declarator = node.child_by_field_name("declarator")
    for child in node.named_children:
        if declarator is not None and child.id == declarator.id:
            actions.extend(_c_declarator(child, kind, parameter=True))
        elif child.type not in ("type_qualifier", "storage_class_specifier"):
            actions.append(child)
    return actions


def _c_declarator(node: Node, kind: str | None, parameter: bool = False) -> list[Action]:
    """Actions declaring the name inside a declarator (kind None: a prototype's parameter,
    declared nowhere) and visiting the expressions it holds (array sizes, initialisers)."""
    actions: list[Action] = []
    while True:
        kind_of = node.type
        if kind_of == "identifier":
            if kind is not None:
                actions.append((_BIND, node, kind))
            return actions
        if kind_of == "init_declarator":
            inner = node.child_by_field_name("declarator")
            value = node.child_by_field_name("value")
            actions = actions + _c_declarator(inner, kind, parameter) if inner else actions
            if value is not None:
                actions.append(value)
            return actions
        if kind_of == "array_declarator":
            size = node.child_by_field_name("size")
            inner = node.child_by_field_name("declarator")
            tail = [size] if size is not None else []
            return actions + (_c_declarator(inner, kind, parameter) if inner else []) + tail
        if kind_of == "function_declarator":
            inner = node.child_by_field_name("declarator")
            parameters = node.child_by_field_name("parameters")
            prototype = _c_prototype(parameters) if parameters is not None else []
            direct = inner is not None and _strip_parentheses(inner).type == "identifier"
            inner_kind = kind if (parameter or not direct) else _OPAQUE
            if kind is None:
                inner_kind = None
            declared = _c_declarator(inner, inner_kind, parameter) if inner else []
            return actions + declared + prototype
        if kind_of in ("pointer_declarator", "parenthesized_declarator", "attributed_declarator"):
            inner = node.child_by_field_name("declarator")
            if inner is None:
                inner = next(
                    (c for c in node.named_children if c.type.endswith("declarator")), None
                )
                if inner is None:
                    inner = next((c for c in node.named_children if c.type == "identifier"), None)
            if inner is None:
                return actions
            node = inner
            continue
        return [*actions, (_SCAN, node, "it appears in a declarator that could not be read")]


def _strip_parentheses(node: Node) -> Node:
    while node.type == "parenthesized_declarator" and node.named_child_count:
        node = node.named_children[0]
    return node


def _c_prototype(parameters: Node) -> list[Action]:
    """A prototype's parameter names declare nothing; their array sizes are expressions."""
    actions: list[Action] = []
    for parameter in parameters.named_children:
        if parameter.type != "parameter_declaration":
            continue
        declarator = parameter.child_by_field_name("declarator")
        if declarator is not None:
            actions.extend(_c_declarator(declarator, None))
    return actions


def _c_declaration(w: _Walker, node: Node) -> None:
    extern = any(
        c.type == "storage_class_specifier" and w.name(c) == "extern" for c in node.children
    )
    kind = _OPAQUE if extern else LOCAL
    type_node = node.child_by_field_name("type")
    actions: list[Action] = []
    if type_node is not None and type_node.type == "type_identifier":
        type_name = w.name(type_node)
        if w.lookup(type_name) is not None:
            reason = f"the declaration at line {w.line(node)} may be an expression"
            actions.append((_SCAN, node, reason))
    for index, child in enumerate(node.children):
        if not child.is_named:
            continue
        if node.field_name_for_child(index) == "declarator":
            actions.extend(_c_declarator(child, kind))
        elif child.type in ("attribute_specifier", "attribute_declaration", "ms_declspec_modifier"):
            actions.append((_SCAN, child, "it appears in an attribute"))
        elif child.type not in ("storage_class_specifier", "type_qualifier"):
            actions.append(child)
    w.schedule(actions)


def _c_kr_declaration(w: _Walker, node: Node) -> None:
    """K&R parameter declarations (`int f(a) int a; {...}`) add declarations of the
    parameters they name."""
    for index, child in enumerate(node.children):
        if node.field_name_for_child(index) != "declarator":
            continue
        for action in _c_declarator(child, PARAMETER):
            if action.__class__ is not tuple or action[0] != _BIND:
                continue
            ident = action[1]
            binding = w.scopes[-1].get(w.name(ident)) if w.scopes else None
            if binding is None or binding.kind == _OPAQUE:
                w.scan(ident, "a K&R declaration names no parameter")
            else:
                binding.uses.append(w.span(ident))


def _c_enumerator(w: _Walker, node: Node) -> None:
    name = node.child_by_field_name("name")
    value = node.child_by_field_name("value")
    actions: list[Action] = [(_BIND, name, _OPAQUE)] if name is not None else []
    if value is not None:
        actions.append(value)
    w.schedule(actions)


def _c_preproc_definition(w: _Walker, node: Node) -> None:
    w.scan(node, f"it appears in a preprocessor directive at line {w.line(node)}")


def _c_preproc_conditional(w: _Walker, node: Node) -> None:
    """#if/#ifdef branches hold code; the condition names macros only."""
    skip = {"condition", "name"}
    actions = [
        child
        for index, child in enumerate(node.children)
        if child.is_named and node.field_name_for_child(index) not in skip
    ]
    w.schedule(actions)


def _c_asm_operand(w: _Walker, node: Node) -> None:
    value = node.child_by_field_name("value")
    if value is not None:
        w.schedule([value])


def _c_macro_type(w: _Walker, node: Node) -> None:
    type_node = node.child_by_field_name("type")
    if type_node is not None:
        w.schedule([type_node])


def _c_attribute(w: _Walker, node: Node) -> None:
    w.scan(node, "it appears in an attribute")


# -- Java --------------------------------------------------------------------------------------


def _java_function(w: _Walker, node: Node) -> None:
    """A method or constructor: parameters in a function scope, then the body."""
    kind = PARAMETER if node.id == w.function.id else LOCAL
    actions: list[Action] = [(_PUSH, node, None)]
    parameters = node.child_by_field_name("parameters")
    if parameters is not None:
        actions.extend(_java_parameters(parameters, kind))
    body = node.child_by_field_name("body")
    if body is not None:
        actions.append(body)
    actions.append((_POP, node, None))
    w.schedule(actions)


def _java_parameters(parameters: Node, kind: str) -> list[Action]:
    actions: list[Action] = []
    for parameter in parameters.named_children:
        if parameter.type == "identifier":
            actions.append((_BIND, parameter, kind))
        elif parameter.type in ("formal_parameter", "catch_formal_parameter"):
            name = parameter.child_by_field_name("name")
            if name is not None:
                actions.append((_BIND, name, kind))
        elif parameter.type == "spread_parameter":
            for child in parameter.named_children:
                if child.type == "variable_declarator":
                    name = child.child_by_field_name("name")
                    if name is not None:
                        actions.append((_BIND, name, kind))
    return actions


def _java_variable_declarators(w: _Walker, node: Node, kind: str) -> list[Action]:
    actions: list[Action] = []
    for index, child in enumerate(node.children):
        if node.field_name_for_child(index) != "declarator":
            continue
        name = child.child_by_field_name("name")
        value = child.child_by_field_name("value")
        if name is not None and kind != _OPAQUE:
            actions.append((_BIND, name, kind))
        if value is not None:
            actions.append(value)
    return actions


def _java_local_declaration(w: _Walker, node: Node) -> None:
    w.schedule(_java_variable_declarators(w, node, LOCAL))


def _java_field_declaration(w: _Walker, node: Node) -> None:
    """A field of a local or anonymous class: its name is bound (opaque) on entering the
    class body; here only its initialiser is walked."""
    w.schedule(_java_variable_declarators(w, node, _OPAQUE))


def _java_class_body(w: _Walker, node: Node) -> None:
    """Fields and enum constants of a class declared inside the function hide outer locals
    everywhere in the class body, so they are bound before its members are walked."""
    actions: list[Action] = [(_PUSH, node, None)]
    record = node.parent
    if record is not None and record.type == "record_declaration":
        parameters = record.child_by_field_name("parameters")
        if parameters is not None:
            actions.extend((op, n, _OPAQUE) for op, n, _k in _java_parameters(parameters, LOCAL))
    members = _members(node)
    for member in members:
        if member.type in ("field_declaration", "constant_declaration"):
            for index, child in enumerate(member.children):
                if member.field_name_for_child(index) == "declarator":
                    name = child.child_by_field_name("name")
                    if name is not None:
                        actions.append((_BIND, name, _OPAQUE))
        elif member.type == "enum_constant":
            name = member.child_by_field_name("name")
            if name is not None:
                actions.append((_BIND, name, _OPAQUE))
    actions.extend(members)
    actions.append((_POP, node, None))
    w.schedule(actions)


def _members(body: Node) -> list[Node]:
    """The members of a class body, with an enum body's declarations flattened in."""
    members: list[Node] = []
    for member in body.named_children:
        if member.type == "enum_body_declarations":
            members.extend(member.named_children)
        else:
            members.append(member)
    return members


def _java_type_declaration(w: _Walker, node: Node) -> None:
    """A local class, interface, enum or record: its name is a type; walk its body."""
    name = node.child_by_field_name("name")
    body = node.child_by_field_name("body")
    actions: list[Action] = []
    if name is not None:
        actions.append((_BIND, name, _OPAQUE))
    if body is not None:
        actions.append(body)
    w.schedule(actions)


def _java_enum_constant(w: _Walker, node: Node) -> None:
    w.schedule([c for c in node.named_children if c.type in ("argument_list", "class_body")])


def _java_enhanced_for(w: _Walker, node: Node) -> None:
    value = node.child_by_field_name("value")
    name = node.child_by_field_name("name")
    body = node.child_by_field_name("body")
    actions: list[Action] = [value] if value is not None else []
    actions.append((_PUSH, node, None))
    if name is not None:
        actions.append((_BIND, name, LOCAL))
    for child in node.named_children:
        if child.type in ("record_pattern", "type_pattern", "pattern"):
            actions.append(child)
    if body is not None:
        actions.append(body)
    actions.append((_POP, node, None))
    w.schedule(actions)


def _java_catch(w: _Walker, node: Node) -> None:
    actions: list[Action] = [(_PUSH, node, None)]
    for child in node.named_children:
        if child.type == "catch_formal_parameter":
            name = child.child_by_field_name("name")
            if name is not None:
                actions.append((_BIND, name, LOCAL))
        elif child.type == "block":
            actions.append(child)
    actions.append((_POP, node, None))
    w.schedule(actions)


def _java_try_with_resources(w: _Walker, node: Node) -> None:
    """Resource variables are visible in later resources and the body, not in the catch
    and finally clauses."""
    actions: list[Action] = [(_PUSH, node, None)]
    tail: list[Action] = []
    for child in node.named_children:
        if child.type == "resource_specification":
            for resource in child.named_children:
                name = resource.child_by_field_name("name")
                value = resource.child_by_field_name("value")
                if name is None:
                    actions.extend(_visits_expressions(resource))
                    continue
                actions.append((_BIND, name, LOCAL))
                if value is not None:
                    actions.append(value)
        elif child.type == "block":
            actions.append(child)
        else:
            tail.append(child)
    actions.append((_POP, node, None))
    w.schedule(actions + tail)


def _visits_expressions(node: Node) -> list[Action]:
    return [c for c in node.named_children if c.type != "modifiers"]


def _java_lambda(w: _Walker, node: Node) -> None:
    parameters = node.child_by_field_name("parameters")
    body = node.child_by_field_name("body")
    actions: list[Action] = [(_PUSH, node, None)]
    if parameters is not None:
        if parameters.type == "identifier":
            actions.append((_BIND, parameters, LOCAL))
        else:
            actions.extend(_java_parameters(parameters, LOCAL))
    if body is not None:
        actions.append(body)
    actions.append((_POP, node, None))
    w.schedule(actions)


def _java_instanceof(w: _Walker, node: Node) -> None:
    """`x instanceof T name`: the pattern variable is declared in the enclosing scope from
    here on (a simple over-approximation of Java's flow scoping)."""
    left = node.child_by_field_name("left")
    name = node.child_by_field_name("name")
    actions: list[Action] = [left] if left is not None else []
    if name is not None:
        actions.append((_BIND, name, LOCAL))
    for child in node.named_children:
        if child.type in ("record_pattern", "type_pattern", "pattern"):
            actions.append(child)
    w.schedule(actions)


def _java_type_pattern(w: _Walker, node: Node) -> None:
    identifiers = [c for c in node.named_children if c.type == "identifier"]
    if identifiers:
        w.schedule([(_BIND, identifiers[-1], LOCAL)])


def _java_record_pattern(w: _Walker, node: Node) -> None:
    """`Point(int x, var y)`: the leading name is the record type; components bind."""
    actions: list[Action] = []
    for child in node.named_children:
        if child.type == "record_pattern_body":
            for component in child.named_children:
                if component.type == "record_pattern_component":
                    identifiers = [c for c in component.named_children if c.type == "identifier"]
                    if identifiers:
                        actions.append((_BIND, identifiers[-1], LOCAL))
                    actions.extend(
                        c for c in component.named_children if c.type == "record_pattern"
                    )
                else:
                    actions.append(component)
    w.schedule(actions)


def _java_switch_label(w: _Walker, node: Node) -> None:
    """`case NAME:` names an enum constant or a constant variable: too ambiguous to
    rename; patterns and guards are walked."""
    actions: list[Action] = []
    for child in node.named_children:
        if child.type in ("pattern", "type_pattern", "record_pattern", "guard"):
            actions.append(child)
        else:
            actions.append((_SCAN, child, "it appears as a case constant"))
    w.schedule(actions)


def _java_method_invocation(w: _Walker, node: Node) -> None:
    obj = node.child_by_field_name("object")
    arguments = node.child_by_field_name("arguments")
    w.schedule(w.visits([obj, arguments]))


def _java_field_access(w: _Walker, node: Node) -> None:
    obj = node.child_by_field_name("object")
    if obj is not None:
        w.schedule([obj])


def _java_method_reference(w: _Walker, node: Node) -> None:
    named = node.named_children
    if named:
        w.schedule([named[0]])


def _java_labeled(w: _Walker, node: Node) -> None:
    w.schedule([c for c in node.named_children if c.type != "identifier"])


def _java_explicit_constructor(w: _Walker, node: Node) -> None:
    arguments = node.child_by_field_name("arguments")
    obj = node.child_by_field_name("object")
    w.schedule(w.visits([obj, arguments]))


def _java_object_creation(w: _Walker, node: Node) -> None:
    w.schedule([c for c in node.named_children if c.type != "type_arguments"])


_C_HANDLERS = {
    "function_definition": _c_function,
    "declaration": _c_declaration,
    "enumerator": _c_enumerator,
    "preproc_if": _c_preproc_conditional,
    "preproc_ifdef": _c_preproc_conditional,
    "preproc_elif": _c_preproc_conditional,
    "preproc_elifdef": _c_preproc_conditional,
    "gnu_asm_output_operand": _c_asm_operand,
    "gnu_asm_input_operand": _c_asm_operand,
    "macro_type_specifier": _c_macro_type,
    "attribute_specifier": _c_attribute,
    "attribute_declaration": _c_attribute,
    "ms_declspec_modifier": _c_attribute,
    **dict.fromkeys(_C_PREPROC_DEFINITIONS, _c_preproc_definition),
}


def _error(w: _Walker, node: Node) -> None:
    w.scan(node, f"it appears in a parse error at line {w.line(node)}")


_JAVA_HANDLERS = {
    "method_declaration": _java_function,
    "constructor_declaration": _java_function,
    "compact_constructor_declaration": _java_function,
    "local_variable_declaration": _java_local_declaration,
    "field_declaration": _java_field_declaration,
    "constant_declaration": _java_field_declaration,
    **dict.fromkeys(_JAVA_CLASS_BODIES, _java_class_body),
    **dict.fromkeys(_JAVA_TYPE_DECLARATIONS, _java_type_declaration),
    "enum_constant": _java_enum_constant,
    "enhanced_for_statement": _java_enhanced_for,
    "catch_clause": _java_catch,
    "try_with_resources_statement": _java_try_with_resources,
    "lambda_expression": _java_lambda,
    "instanceof_expression": _java_instanceof,
    "type_pattern": _java_type_pattern,
    "record_pattern": _java_record_pattern,
    "switch_label": _java_switch_label,
    "method_invocation": _java_method_invocation,
    "field_access": _java_field_access,
    "method_reference": _java_method_reference,
    "labeled_statement": _java_labeled,
    "explicit_constructor_invocation": _java_explicit_constructor,
    "object_creation_expression": _java_object_creation,
}


def _dispatch(handlers: dict, scopes: frozenset[str], ignored: frozenset[str]) -> dict:
    table: dict = dict.fromkeys(_SKIP | ignored, _IGNORE)
    table.update(dict.fromkeys(scopes, _SCOPE))
    table.update(handlers)
    table["ERROR"] = _error
    return table


#: node type -> handler, or how the main loop treats it (_IGNORE, _TYPE_NAME, _SCOPE).
_C_DISPATCH = {**_dispatch(_C_HANDLERS, _C_SCOPES, frozenset()), "type_identifier": _TYPE_NAME}
_JAVA_DISPATCH = _dispatch(_JAVA_HANDLERS, _JAVA_SCOPES, _JAVA_TYPES)
