"""How the symbol walker reads C: function definitions (K&R parameter declarations included),
declarators, declarations, enumerators, preprocessor directives, inline assembly and
attributes. `DISPATCH` maps node types to what the walker does with them."""

from __future__ import annotations

from tree_sitter import Node

from metacompress.code.symbols.table import LOCAL, OPAQUE, PARAMETER
from metacompress.code.symbols.walker import (
    BIND,
    CALL,
    POP,
    PUSH,
    SCAN,
    TYPE_NAME,
    Action,
    Walker,
    make_dispatch,
)

#: Nodes that open a scope around their children.
_SCOPES = frozenset({"compound_statement", "for_statement"})
_PREPROC_DEFINITIONS = frozenset(
    {"preproc_def", "preproc_function_def", "preproc_call", "preproc_include"}
)


def _c_function(w: Walker, node: Node) -> None:
    """Parameters in a function scope, K&R parameter declarations, then the body."""
    outermost = node.id == w.function.id
    kind = PARAMETER if outermost else LOCAL
    declarator = node.child_by_field_name("declarator")
    function_declarator = _c_function_declarator(declarator)
    actions: list[Action] = []
    if not outermost and function_declarator is not None:
        name = function_declarator.child_by_field_name("declarator")
        if name is not None and name.type == "identifier":
            actions.append((BIND, name, OPAQUE))
    actions.append((PUSH, node, None))
    if function_declarator is None:
        if declarator is not None:
            actions.append((SCAN, declarator, "the function's declarator could not be read"))
    else:
        parameters = function_declarator.child_by_field_name("parameters")
        for parameter in parameters.named_children if parameters is not None else ():
            if parameter.type == "identifier":
                actions.append((BIND, parameter, kind))
            elif parameter.type == "parameter_declaration":
                actions.extend(_c_parameter(parameter, kind))
            elif parameter.type != "variadic_parameter":
                actions.append(parameter)
    for child in node.named_children:
        if child.type == "declaration":
            actions.append((CALL, child, _c_kr_declaration))
    body = node.child_by_field_name("body")
    if body is not None:
        actions.append(body)
    actions.append((POP, node, None))
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
                actions.append((BIND, node, kind))
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
            inner_kind = kind if (parameter or not direct) else OPAQUE
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
        return [*actions, (SCAN, node, "it appears in a declarator that could not be read")]


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


def _c_declaration(w: Walker, node: Node) -> None:
    extern = any(
        c.type == "storage_class_specifier" and w.name(c) == "extern" for c in node.children
    )
    kind = OPAQUE if extern else LOCAL
    type_node = node.child_by_field_name("type")
    actions: list[Action] = []
    if type_node is not None and type_node.type == "type_identifier":
        type_name = w.name(type_node)
        if w.lookup(type_name) is not None:
            reason = f"the declaration at line {w.line(node)} may be an expression"
            actions.append((SCAN, node, reason))
    for index, child in enumerate(node.children):
        if not child.is_named:
            continue
        if node.field_name_for_child(index) == "declarator":
            actions.extend(_c_declarator(child, kind))
        elif child.type in ("attribute_specifier", "attribute_declaration", "ms_declspec_modifier"):
            actions.append((SCAN, child, "it appears in an attribute"))
        elif child.type not in ("storage_class_specifier", "type_qualifier"):
            actions.append(child)
    w.schedule(actions)


def _c_kr_declaration(w: Walker, node: Node) -> None:
    """K&R parameter declarations (`int f(a) int a; {...}`) add declarations of the
    parameters they name."""
    for index, child in enumerate(node.children):
        if node.field_name_for_child(index) != "declarator":
            continue
        for action in _c_declarator(child, PARAMETER):
            if action.__class__ is not tuple or action[0] != BIND:
                continue
            ident = action[1]
            binding = w.scopes[-1].get(w.name(ident)) if w.scopes else None
            if binding is None or binding.kind == OPAQUE:
                w.scan(ident, "a K&R declaration names no parameter")
            else:
                binding.uses.append(w.span(ident))


def _c_enumerator(w: Walker, node: Node) -> None:
    name = node.child_by_field_name("name")
    value = node.child_by_field_name("value")
    actions: list[Action] = [(BIND, name, OPAQUE)] if name is not None else []
    if value is not None:
        actions.append(value)
    w.schedule(actions)


def _c_preproc_definition(w: Walker, node: Node) -> None:
    w.scan(node, f"it appears in a preprocessor directive at line {w.line(node)}")


def _c_preproc_conditional(w: Walker, node: Node) -> None:
    """#if/#ifdef branches hold code; the condition names macros only."""
    skip = {"condition", "name"}
    actions = [
        child
        for index, child in enumerate(node.children)
        if child.is_named and node.field_name_for_child(index) not in skip
    ]
    w.schedule(actions)


def _c_asm_operand(w: Walker, node: Node) -> None:
    value = node.child_by_field_name("value")
    if value is not None:
        w.schedule([value])


def _c_macro_type(w: Walker, node: Node) -> None:
    type_node = node.child_by_field_name("type")
    if type_node is not None:
        w.schedule([type_node])


def _c_attribute(w: Walker, node: Node) -> None:
    w.scan(node, "it appears in an attribute")


_HANDLERS = {
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
    **dict.fromkeys(_PREPROC_DEFINITIONS, _c_preproc_definition),
}

#: node type -> handler, or how the main loop treats it (IGNORE, TYPE_NAME, SCOPE).
DISPATCH = {**make_dispatch(_HANDLERS, _SCOPES, frozenset()), "type_identifier": TYPE_NAME}
