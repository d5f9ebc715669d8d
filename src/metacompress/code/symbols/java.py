"""How the symbol walker reads Java: methods and constructors, local and anonymous classes
(whose fields hide outer locals), enhanced for, catch, try-with-resources, lambdas, pattern
variables, switch labels, and the expressions whose names are never variables (method names,
field names after a dot). `DISPATCH` maps node types to what the walker does with them."""

from __future__ import annotations

from tree_sitter import Node

from metacompress.code.symbols.table import LOCAL, OPAQUE, PARAMETER
from metacompress.code.symbols.walker import (
    BIND,
    POP,
    PUSH,
    SCAN,
    Action,
    Walker,
    make_dispatch,
)

#: Nodes that open a scope around their children.
_SCOPES = frozenset({"block", "constructor_body", "for_statement", "switch_block", "switch_rule"})
_CLASS_BODIES = frozenset({"class_body", "enum_body", "interface_body", "annotation_type_body"})
_TYPE_DECLARATIONS = frozenset(
    {
        "class_declaration",
        "interface_declaration",
        "enum_declaration",
        "record_declaration",
        "annotation_type_declaration",
    }
)
#: Java nodes that only spell types (Java types never hold variable references).
_TYPES = frozenset(
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


def _java_function(w: Walker, node: Node) -> None:
    """A method or constructor: parameters in a function scope, then the body."""
    kind = PARAMETER if node.id == w.function.id else LOCAL
    actions: list[Action] = [(PUSH, node, None)]
    parameters = node.child_by_field_name("parameters")
    if parameters is not None:
        actions.extend(_java_parameters(parameters, kind))
    body = node.child_by_field_name("body")
    if body is not None:
        actions.append(body)
    actions.append((POP, node, None))
    w.schedule(actions)


def _java_parameters(parameters: Node, kind: str) -> list[Action]:
    actions: list[Action] = []
    for parameter in parameters.named_children:
        if parameter.type == "identifier":
            actions.append((BIND, parameter, kind))
        elif parameter.type in ("formal_parameter", "catch_formal_parameter"):
            name = parameter.child_by_field_name("name")
            if name is not None:
                actions.append((BIND, name, kind))
        elif parameter.type == "spread_parameter":
            for child in parameter.named_children:
                if child.type == "variable_declarator":
                    name = child.child_by_field_name("name")
                    if name is not None:
                        actions.append((BIND, name, kind))
    return actions


def _java_variable_declarators(w: Walker, node: Node, kind: str) -> list[Action]:
    actions: list[Action] = []
    for index, child in enumerate(node.children):
        if node.field_name_for_child(index) != "declarator":
            continue
        name = child.child_by_field_name("name")
        value = child.child_by_field_name("value")
        if name is not None and kind != OPAQUE:
            actions.append((BIND, name, kind))
        if value is not None:
            actions.append(value)
    return actions


def _java_local_declaration(w: Walker, node: Node) -> None:
    w.schedule(_java_variable_declarators(w, node, LOCAL))


def _java_field_declaration(w: Walker, node: Node) -> None:
    """A field of a local or anonymous class: its name is bound (opaque) on entering the
    class body; here only its initialiser is walked."""
    w.schedule(_java_variable_declarators(w, node, OPAQUE))


def _java_class_body(w: Walker, node: Node) -> None:
    """Fields and enum constants of a class declared inside the function hide outer locals
    everywhere in the class body, so they are bound before its members are walked."""
    actions: list[Action] = [(PUSH, node, None)]
    record = node.parent
    if record is not None and record.type == "record_declaration":
        parameters = record.child_by_field_name("parameters")
        if parameters is not None:
            actions.extend((op, n, OPAQUE) for op, n, _k in _java_parameters(parameters, LOCAL))
    members = _members(node)
    for member in members:
        if member.type in ("field_declaration", "constant_declaration"):
            for index, child in enumerate(member.children):
                if member.field_name_for_child(index) == "declarator":
                    name = child.child_by_field_name("name")
                    if name is not None:
                        actions.append((BIND, name, OPAQUE))
        elif member.type == "enum_constant":
            name = member.child_by_field_name("name")
            if name is not None:
                actions.append((BIND, name, OPAQUE))
    actions.extend(members)
    actions.append((POP, node, None))
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


def _java_type_declaration(w: Walker, node: Node) -> None:
    """A local class, interface, enum or record: its name is a type; walk its body."""
    name = node.child_by_field_name("name")
    body = node.child_by_field_name("body")
    actions: list[Action] = []
    if name is not None:
        actions.append((BIND, name, OPAQUE))
    if body is not None:
        actions.append(body)
    w.schedule(actions)


def _java_enum_constant(w: Walker, node: Node) -> None:
    w.schedule([c for c in node.named_children if c.type in ("argument_list", "class_body")])


def _java_enhanced_for(w: Walker, node: Node) -> None:
    value = node.child_by_field_name("value")
    name = node.child_by_field_name("name")
    body = node.child_by_field_name("body")
    actions: list[Action] = [value] if value is not None else []
    actions.append((PUSH, node, None))
    if name is not None:
        actions.append((BIND, name, LOCAL))
    for child in node.named_children:
        if child.type in ("record_pattern", "type_pattern", "pattern"):
            actions.append(child)
    if body is not None:
        actions.append(body)
    actions.append((POP, node, None))
    w.schedule(actions)


def _java_catch(w: Walker, node: Node) -> None:
    actions: list[Action] = [(PUSH, node, None)]
    for child in node.named_children:
        if child.type == "catch_formal_parameter":
            name = child.child_by_field_name("name")
            if name is not None:
                actions.append((BIND, name, LOCAL))
        elif child.type == "block":
            actions.append(child)
    actions.append((POP, node, None))
    w.schedule(actions)


def _java_try_with_resources(w: Walker, node: Node) -> None:
    """Resource variables are visible in later resources and the body, not in the catch
    and finally clauses."""
    actions: list[Action] = [(PUSH, node, None)]
    tail: list[Action] = []
    for child in node.named_children:
        if child.type == "resource_specification":
            for resource in child.named_children:
                name = resource.child_by_field_name("name")
                value = resource.child_by_field_name("value")
                if name is None:
                    actions.extend(_visits_expressions(resource))
                    continue
                actions.append((BIND, name, LOCAL))
                if value is not None:
                    actions.append(value)
        elif child.type == "block":
            actions.append(child)
        else:
            tail.append(child)
    actions.append((POP, node, None))
    w.schedule(actions + tail)


def _visits_expressions(node: Node) -> list[Action]:
    return [c for c in node.named_children if c.type != "modifiers"]


def _java_lambda(w: Walker, node: Node) -> None:
    parameters = node.child_by_field_name("parameters")
    body = node.child_by_field_name("body")
    actions: list[Action] = [(PUSH, node, None)]
    if parameters is not None:
        if parameters.type == "identifier":
            actions.append((BIND, parameters, LOCAL))
        else:
            actions.extend(_java_parameters(parameters, LOCAL))
    if body is not None:
        actions.append(body)
    actions.append((POP, node, None))
    w.schedule(actions)


def _java_instanceof(w: Walker, node: Node) -> None:
    """`x instanceof T name`: the pattern variable is declared in the enclosing scope from
    here on (a simple over-approximation of Java's flow scoping)."""
    left = node.child_by_field_name("left")
    name = node.child_by_field_name("name")
    actions: list[Action] = [left] if left is not None else []
    if name is not None:
        actions.append((BIND, name, LOCAL))
    for child in node.named_children:
        if child.type in ("record_pattern", "type_pattern", "pattern"):
            actions.append(child)
    w.schedule(actions)


def _java_type_pattern(w: Walker, node: Node) -> None:
    identifiers = [c for c in node.named_children if c.type == "identifier"]
    if identifiers:
        w.schedule([(BIND, identifiers[-1], LOCAL)])


def _java_record_pattern(w: Walker, node: Node) -> None:
    """`Point(int x, var y)`: the leading name is the record type; components bind."""
    actions: list[Action] = []
    for child in node.named_children:
        if child.type == "record_pattern_body":
            for component in child.named_children:
                if component.type == "record_pattern_component":
                    identifiers = [c for c in component.named_children if c.type == "identifier"]
                    if identifiers:
                        actions.append((BIND, identifiers[-1], LOCAL))
                    actions.extend(
                        c for c in component.named_children if c.type == "record_pattern"
                    )
                else:
                    actions.append(component)
    w.schedule(actions)


def _java_switch_label(w: Walker, node: Node) -> None:
    """`case NAME:` names an enum constant or a constant variable: too ambiguous to
    rename; patterns and guards are walked."""
    actions: list[Action] = []
    for child in node.named_children:
        if child.type in ("pattern", "type_pattern", "record_pattern", "guard"):
            actions.append(child)
        else:
            actions.append((SCAN, child, "it appears as a case constant"))
    w.schedule(actions)


def _java_method_invocation(w: Walker, node: Node) -> None:
    obj = node.child_by_field_name("object")
    arguments = node.child_by_field_name("arguments")
    w.schedule(w.visits([obj, arguments]))


def _java_field_access(w: Walker, node: Node) -> None:
    obj = node.child_by_field_name("object")
    if obj is not None:
        w.schedule([obj])


def _java_method_reference(w: Walker, node: Node) -> None:
    named = node.named_children
    if named:
        w.schedule([named[0]])


def _java_labeled(w: Walker, node: Node) -> None:
    w.schedule([c for c in node.named_children if c.type != "identifier"])


def _java_explicit_constructor(w: Walker, node: Node) -> None:
    arguments = node.child_by_field_name("arguments")
    obj = node.child_by_field_name("object")
    w.schedule(w.visits([obj, arguments]))


def _java_object_creation(w: Walker, node: Node) -> None:
    w.schedule([c for c in node.named_children if c.type != "type_arguments"])


_HANDLERS = {
    "method_declaration": _java_function,
    "constructor_declaration": _java_function,
    "compact_constructor_declaration": _java_function,
    "local_variable_declaration": _java_local_declaration,
    "field_declaration": _java_field_declaration,
    "constant_declaration": _java_field_declaration,
    **dict.fromkeys(_CLASS_BODIES, _java_class_body),
    **dict.fromkeys(_TYPE_DECLARATIONS, _java_type_declaration),
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


#: node type -> handler, or how the main loop treats it (IGNORE, SCOPE).
DISPATCH = make_dispatch(_HANDLERS, _SCOPES, _TYPES)
