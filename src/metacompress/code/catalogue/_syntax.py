"""Syntax facts shared by the catalogue: statement lists, jumps, purity, layout.

Everything here reads a tree-sitter tree of C or Java and answers one question the
transformations ask before they edit: where a statement may be inserted, which loop a
`continue` belongs to, whether an expression is free of side effects, how a line is indented.
Offsets are raw byte offsets into `parsed.data` (`node.start_byte`); `edit` turns them into an
`Edit` of the original code.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node

from metacompress.code.edits import Edit
from metacompress.code.parsing import ParsedCode

#: Nodes whose children are a statement list that a new statement may join.
BLOCKS = {
    "c": frozenset({"compound_statement"}),
    "java": frozenset({"block", "constructor_body"}),
}
#: Statement lists of every kind (blocks and switch-case bodies).
STATEMENT_LISTS = {
    "c": BLOCKS["c"] | {"case_statement"},
    "java": BLOCKS["java"] | {"switch_block_statement_group"},
}
LOOPS = frozenset({"for_statement", "while_statement", "do_statement", "enhanced_for_statement"})
SWITCHES = frozenset({"switch_statement", "switch_expression"})
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
COMMENTS = frozenset({"comment", "line_comment", "block_comment"})
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
#: Expression nodes that may have a side effect (or whose evaluation order is observable).
_EFFECTS = frozenset(
    {
        "call_expression",
        "assignment_expression",
        "update_expression",
        "comma_expression",
        "compound_statement",
        "compound_literal_expression",
        "gnu_asm_expression",
        "method_invocation",
        "object_creation_expression",
        "array_creation_expression",
        "lambda_expression",
        "switch_expression",
        "method_reference",
        "ERROR",
    }
)
JAVA_NUMERIC_TYPES = frozenset({"byte", "short", "char", "int", "long", "float", "double"})
_JAVA_INT_LITERALS = frozenset(
    {
        "decimal_integer_literal",
        "hex_integer_literal",
        "octal_integer_literal",
        "binary_integer_literal",
    }
)
JAVA_NUMERIC_LITERALS = _JAVA_INT_LITERALS | {
    "decimal_floating_point_literal",
    "hex_floating_point_literal",
    "character_literal",
}
_IDENT = re.compile(r"[A-Za-z_$][\w$]*\Z")
_OPERATOR = re.compile(r"[-+*/%=<>!&|^~?:]+\Z")
_SAFE_PUNCT = frozenset({"(", ")", "[", "]", "{", "}", ";", ","})

# C and Java binary operator precedence (higher binds tighter).
PRECEDENCE = {
    "*": 13,
    "/": 13,
    "%": 13,
    "+": 12,
    "-": 12,
    "<<": 11,
    ">>": 11,
    ">>>": 11,
    "<": 10,
    ">": 10,
    "<=": 10,
    ">=": 10,
    "instanceof": 10,
    "==": 9,
    "!=": 9,
    "&": 8,
    "^": 7,
    "|": 6,
    "&&": 5,
    "||": 4,
}
_LOW_PRECEDENCE = frozenset(
    {"conditional_expression", "ternary_expression", "assignment_expression", "comma_expression"}
)


def edit(parsed: ParsedCode, start: int, end: int, text: str) -> Edit:
    """An Edit replacing raw bytes [start, end) of `parsed.data` by `text`."""
    return Edit(start - parsed.prefix_len, end - parsed.prefix_len, text)


def children(node: Node, field: str) -> list[Node]:
    """All children of `node` under `field` (Java for-init and update may repeat)."""
    return [c for i, c in enumerate(node.children) if node.field_name_for_child(i) == field]


def named_statements(node: Node) -> list[Node]:
    """The named children of a statement list, comments excluded."""
    return [c for c in node.named_children if c.type not in COMMENTS]


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


def is_block(node: Node | None, lang: str) -> bool:
    return node is not None and node.type in BLOCKS[lang]


def else_branch(if_node: Node) -> Node | None:
    """The statement after `else` (C wraps it in an else_clause, Java does not)."""
    alternative = if_node.child_by_field_name("alternative")
    if alternative is not None and alternative.type == "else_clause":
        statements = [c for c in alternative.named_children if c.type not in COMMENTS]
        return statements[-1] if statements else None
    return alternative


def label_of(labeled: Node) -> str | None:
    """The label name of a labeled_statement."""
    for child in labeled.named_children:
        if child.type in ("statement_identifier", "identifier"):
            return child.text.decode() if child.text else None
    return None


def labeled_body(labeled: Node) -> Node | None:
    """The statement a label is attached to."""
    statements = [
        c
        for c in labeled.named_children
        if c.type not in ("statement_identifier", "identifier") and c.type not in COMMENTS
    ]
    return statements[-1] if statements else None


def jump_target(jump: Node) -> Node | None:
    """The statement a break or continue leaves: the loop a continue continues, the loop or
    switch a break exits, or for a labelled jump the labelled statement (break) or its loop
    (continue). None when the jump has no target inside its function."""
    label_node = next((c for c in jump.named_children if c.type == "identifier"), None)
    label = label_node.text.decode() if label_node is not None and label_node.text else None
    for ancestor in ancestors(jump):
        if ancestor.type in JUMP_BOUNDARIES:
            return None
        if label is not None:
            if ancestor.type == "labeled_statement" and label_of(ancestor) == label:
                return labeled_body(ancestor) if jump.type == "continue_statement" else ancestor
        elif ancestor.type in LOOPS or (
            jump.type == "break_statement" and ancestor.type in SWITCHES
        ):
            return ancestor
    return None


def jumps_to(node: Node, target: Node, jump_type: str) -> list[Node]:
    """Every `jump_type` statement inside `node` whose target is `target`."""
    return [
        n
        for n in walk(node)
        if n.type == jump_type and (t := jump_target(n)) is not None and key(t) == key(target)
    ]


def is_pure(node: Node) -> bool:
    """Whether evaluating the expression has no side effect: no call, assignment, increment,
    allocation or comma anywhere inside it."""
    return not any(n.type in _EFFECTS or n.is_missing for n in walk(node, stop=frozenset()))


def is_atom(node: Node) -> bool:
    """A primary expression, which needs no parentheses in any operand position."""
    return (
        node.type
        in {
            "identifier",
            "number_literal",
            "string_literal",
            "char_literal",
            "character_literal",
            "true",
            "false",
            "null",
            "null_literal",
            "this",
            "parenthesized_expression",
            "call_expression",
            "method_invocation",
            "field_expression",
            "field_access",
            "subscript_expression",
            "array_access",
        }
        | JAVA_NUMERIC_LITERALS
    )


def operand_text(parsed: ParsedCode, node: Node, operator: str) -> str:
    """The text of `node` as an operand of binary `operator`, parenthesised unless it binds
    more tightly than the operator."""
    text = parsed.text(node)
    if node.type in _LOW_PRECEDENCE:
        return f"({text})"
    if node.type in ("binary_expression", "instanceof_expression"):
        inner = node.child_by_field_name("operator")
        inner_op = inner.type if inner is not None else "instanceof"
        if PRECEDENCE.get(inner_op, 0) <= PRECEDENCE.get(operator, 0):
            return f"({text})"
    return text


def operator_of(node: Node) -> str | None:
    op = node.child_by_field_name("operator")
    return op.type if op is not None else None


# ---------------------------------------------------------------------------------- Java types


def _declares(declaration: Node, name: str) -> Node | None:
    """The declarator of `name` in a declaration-like node, if it declares it."""
    for child in declaration.named_children:
        if child.type == "variable_declarator":
            ident = child.child_by_field_name("name")
            if ident is not None and ident.text and ident.text.decode() == name:
                return child
    ident = declaration.child_by_field_name("name")
    if ident is not None and ident.text and ident.text.decode() == name:
        return declaration
    return None


def _declared_type(declaration: Node, declarator: Node) -> str | None:
    type_node = declaration.child_by_field_name("type")
    if type_node is None:
        return None
    text = type_node.text.decode() if type_node.text else ""
    dims = declarator.child_by_field_name("dimensions") if declarator is not declaration else None
    if dims is None and declarator is declaration:
        dims = next((c for c in declaration.children if c.type == "dimensions"), None)
    return text + ("[]" if dims is not None else "")


def _scope_declarations(scope: Node, child: Node) -> Iterator[Node]:
    """Declaration nodes of `scope` that are visible from its child `child`."""
    if scope.type in ("block", "constructor_body", "switch_block_statement_group"):
        for node in scope.named_children:
            if node.start_byte >= child.start_byte:
                break
            if node.type == "local_variable_declaration":
                yield node
    elif scope.type == "switch_block":
        for group in scope.named_children:
            if group.start_byte >= child.start_byte:
                break
            yield from (n for n in group.named_children if n.type == "local_variable_declaration")
    elif scope.type == "for_statement":
        yield from (n for n in children(scope, "init") if n.type == "local_variable_declaration")
    elif scope.type == "enhanced_for_statement":
        body = scope.child_by_field_name("body")
        if body is not None and key(body) == key(child):
            yield scope
    elif scope.type in ("method_declaration", "constructor_declaration", "lambda_expression"):
        params = scope.child_by_field_name("parameters")
        if params is not None:
            yield from (
                p
                for p in params.named_children
                if p.type in ("formal_parameter", "spread_parameter")
            )
            if params.type == "identifier":
                yield params
            yield from (p for p in params.named_children if p.type == "identifier")
    elif scope.type == "catch_clause":
        yield from (n for n in scope.named_children if n.type == "catch_formal_parameter")
    elif scope.type == "try_with_resources_statement":
        specs = scope.child_by_field_name("resources")
        if specs is not None:
            yield from (n for n in specs.named_children if n.type == "resource")


def java_local_type(identifier: Node) -> str | None:
    """The declared type of the Java local variable or parameter that `identifier` names, or
    None when it is not provably a local (a field, an untyped lambda parameter, unknown)."""
    if identifier.type != "identifier" or not identifier.text:
        return None
    name = identifier.text.decode()
    child = identifier
    for scope in ancestors(identifier):
        if scope.type in ("class_body", "program"):
            return None
        for declaration in _scope_declarations(scope, child):
            if declaration.type == "identifier":
                if declaration.text and declaration.text.decode() == name:
                    return None
                continue
            declarator = _declares(declaration, name)
            if declarator is not None:
                return _declared_type(declaration, declarator)
        if scope.type in ("method_declaration", "constructor_declaration"):
            return None
        child = scope
    return None


def java_is_numeric(node: Node) -> bool:
    """Whether a Java expression provably has a primitive numeric type (so `+` adds)."""
    if node.type in JAVA_NUMERIC_LITERALS:
        return True
    if node.type == "identifier":
        return java_local_type(node) in JAVA_NUMERIC_TYPES
    if node.type == "parenthesized_expression":
        inner = node.named_children
        return len(inner) == 1 and java_is_numeric(inner[0])
    if node.type == "unary_expression":
        operand = node.child_by_field_name("operand")
        return (
            operator_of(node) in ("-", "+", "~")
            and operand is not None
            and java_is_numeric(operand)
        )
    if node.type == "cast_expression":
        type_node = node.child_by_field_name("type")
        return (
            type_node is not None
            and type_node.text is not None
            and (type_node.text.decode() in JAVA_NUMERIC_TYPES)
        )
    if node.type == "binary_expression":
        op = operator_of(node)
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None:
            return False
        if op in ("-", "*", "/", "%", "<<", ">>", ">>>"):
            return True
        if op in ("+", "&", "|", "^"):
            return java_is_numeric(left) and java_is_numeric(right)
    return False


def java_may_throw(node: Node) -> bool:
    """Whether evaluating a Java expression might throw (array access, field access through a
    reference, integer division, reference casts, unboxing of a non-primitive variable)."""
    for n in walk(node, stop=frozenset()):
        if n.type == "array_access":
            return True
        if n.type == "field_access":
            obj = n.child_by_field_name("object")
            if obj is None or obj.type not in ("this", "super"):
                return True
        if n.type == "binary_expression" and operator_of(n) in ("/", "%"):
            return True
        if n.type == "cast_expression":
            type_node = n.child_by_field_name("type")
            if type_node is None or type_node.text is None:
                return True
            if type_node.text.decode() not in JAVA_NUMERIC_TYPES | {"boolean"}:
                return True
        if n.type == "identifier":
            parent = n.parent
            if parent is not None and parent.type == "field_access":
                continue
            local = java_local_type(n)
            if local not in JAVA_NUMERIC_TYPES | {"boolean"}:
                return True
    return False


def declared_names(node: Node, lang: str) -> set[str]:
    """Every name declared anywhere inside `node` (variables, parameters, labels excluded)."""
    names: set[str] = set()
    for n in walk(node, stop=frozenset()):
        if lang == "c" and n.type in ("declaration", "parameter_declaration"):
            for declarator in children(n, "declarator"):
                names.update(_c_declarator_names(declarator))
        elif lang == "java":
            if (
                n.type == "variable_declarator"
                or n.type
                in (
                    "formal_parameter",
                    "catch_formal_parameter",
                    "enhanced_for_statement",
                    "resource",
                )
                or n.type == "instanceof_expression"
            ):
                ident = n.child_by_field_name("name")
                if ident is not None and ident.text:
                    names.add(ident.text.decode())
            elif n.type == "lambda_expression":
                params = n.child_by_field_name("parameters")
                if params is not None:
                    names.update(
                        i.text.decode()
                        for i in walk(params, stop=frozenset())
                        if i.type == "identifier" and i.text
                    )
    return names


def _c_declarator_names(declarator: Node) -> set[str]:
    current: Node | None = declarator
    while current is not None and current.type != "identifier":
        current = current.child_by_field_name("declarator")
    return {current.text.decode()} if current is not None and current.text else set()


def c_declarator_identifier(declarator: Node) -> Node | None:
    """The identifier a C declarator declares, through pointer/array/function declarators."""
    current: Node | None = declarator
    while current is not None and current.type != "identifier":
        current = current.child_by_field_name("declarator")
    return current


def identifiers(node: Node) -> set[str]:
    return {
        n.text.decode() for n in walk(node, stop=frozenset()) if n.type == "identifier" and n.text
    }


# ------------------------------------------------------------------- Java normal completion


def _constant_truth(node: Node | None) -> bool | None:
    """True for a literal-true condition, False for one that is provably not a constant
    expression, None when it cannot be told."""
    if node is None:
        return True
    while node.type == "parenthesized_expression" and len(node.named_children) == 1:
        node = node.named_children[0]
    if node.type == "true":
        return True
    for n in walk(node, stop=frozenset()):
        if n.type in _EFFECTS or n.type == "this":
            return False
        if n.type == "identifier" and (n.parent is None or n.parent.type != "field_access"):
            declared = java_local_type(n)
            if declared is not None and not _is_final_local(n):
                return False
    return None


def _is_final_local(identifier: Node) -> bool:
    name = identifier.text.decode() if identifier.text else ""
    child = identifier
    for scope in ancestors(identifier):
        for declaration in _scope_declarations(scope, child):
            if declaration.type != "identifier" and _declares(declaration, name) is not None:
                modifiers = next((c for c in declaration.children if c.type == "modifiers"), None)
                return modifiers is not None and b"final" in (modifiers.text or b"")
        child = scope
    return True


def _any(values: list[bool | None]) -> bool | None:
    if any(v is True for v in values):
        return True
    if all(v is False for v in values):
        return False
    return None


def java_completes_normally(stmt: Node) -> bool | None:
    """Whether a Java statement can complete normally under the rules of JLS 14.22, or None
    when this conservative reading cannot tell."""
    kind = stmt.type
    if (
        kind
        in (
            "expression_statement",
            "local_variable_declaration",
            "assert_statement",
            "class_declaration",
            "record_declaration",
            "interface_declaration",
            "enum_declaration",
            "explicit_constructor_invocation",
            "enhanced_for_statement",
            ";",
        )
        or kind in COMMENTS
    ):
        return True
    if kind in ("return_statement", "throw_statement", "break_statement", "continue_statement"):
        return False
    if kind == "yield_statement":
        return False
    if kind in ("block", "constructor_body"):
        statements = named_statements(stmt)
        return True if not statements else java_completes_normally(statements[-1])
    if kind == "labeled_statement":
        body = labeled_body(stmt)
        if body is None:
            return None
        inner = java_completes_normally(body)
        if inner is True or jumps_to(body, stmt, "break_statement"):
            return True
        return inner
    if kind == "if_statement":
        alternative = else_branch(stmt)
        if alternative is None:
            return True
        consequence = stmt.child_by_field_name("consequence")
        if consequence is None:
            return None
        return _any([java_completes_normally(consequence), java_completes_normally(alternative)])
    if kind in ("while_statement", "for_statement"):
        constant = _constant_truth(stmt.child_by_field_name("condition"))
        if constant is False:
            return True
        if jumps_to(stmt, stmt, "break_statement"):
            return True
        return False if constant is True else None
    if kind == "do_statement":
        if jumps_to(stmt, stmt, "break_statement"):
            return True
        constant = _constant_truth(stmt.child_by_field_name("condition"))
        if constant is True:
            return False
        body = stmt.child_by_field_name("body")
        if constant is None or body is None:
            return None
        if jumps_to(stmt, stmt, "continue_statement"):
            return True
        return java_completes_normally(body)
    if kind == "synchronized_statement":
        body = stmt.child_by_field_name("body")
        return None if body is None else java_completes_normally(body)
    if kind in ("try_statement", "try_with_resources_statement"):
        body = stmt.child_by_field_name("body")
        if body is None:
            return None
        catches = [
            c.child_by_field_name("body") for c in stmt.named_children if c.type == "catch_clause"
        ]
        completes = _any([java_completes_normally(b) for b in [body, *catches] if b is not None])
        final = next((c for c in stmt.named_children if c.type == "finally_clause"), None)
        if final is None:
            return completes
        final_block = next((c for c in final.named_children if c.type == "block"), None)
        final_completes = True if final_block is None else java_completes_normally(final_block)
        if final_completes is False or completes is False:
            return False
        return True if completes is True and final_completes is True else None
    if kind == "switch_expression":
        return _switch_completes(stmt)
    return None


def _switch_completes(switch: Node) -> bool | None:
    block = switch.child_by_field_name("body")
    if block is None:
        return None
    groups = block.named_children
    if not groups:
        return True
    has_default = any(
        label.text and label.text.strip().startswith(b"default")
        for g in groups
        for label in g.named_children
        if label.type == "switch_label"
    )
    if not has_default or jumps_to(block, switch, "break_statement"):
        return True
    if groups[-1].type == "switch_block_statement_group":
        statements = [s for s in named_statements(groups[-1]) if s.type != "switch_label"]
        return True if not statements else java_completes_normally(statements[-1])
    results = []
    for rule in groups:
        body = [s for s in rule.named_children if s.type != "switch_label"]
        if not body:
            return None
        if body[-1].type == "expression_statement":
            return True
        results.append(java_completes_normally(body[-1]))
    return _any(results)


# -------------------------------------------------------------------------------- layout


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
        spans = sorted((a + parsed.prefix_len, b + parsed.prefix_len) for a, b in parsed.errors)
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


def statement_position(parsed: ParsedCode, statement: Node) -> bool:
    """Whether a new statement may be inserted right before `statement`: it is a statement of
    a block (not a switch body, not after a label), not a comment, not a Java constructor's
    `this(...)`/`super(...)` call, and no parse error is next to it."""
    parent = statement.parent
    if parent is None or parent.type not in BLOCKS[parsed.lang] or not statement.is_named:
        return False
    if statement.type in COMMENTS or statement.type in ("ERROR", "explicit_constructor_invocation"):
        return False
    if statement.type.startswith("preproc"):
        return False
    grand = parent.parent
    if grand is not None and grand.type in SWITCHES:
        return False
    previous = statement.prev_sibling
    return previous is None or previous.type != "ERROR"
