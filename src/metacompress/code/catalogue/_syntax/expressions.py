"""Expressions: which are free of side effects, which need parentheses as an operand
(C and Java operator precedence), which Java expressions are provably numeric and which
might throw."""

from __future__ import annotations

from tree_sitter import Node

from metacompress.code.catalogue._syntax.declarations import java_local_type
from metacompress.code.catalogue._syntax.nodes import walk
from metacompress.code.parsing import ParsedCode

#: Expression nodes that may have a side effect (or whose evaluation order is observable).
EFFECTS = frozenset(
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


JAVA_NUMERIC_TYPES = frozenset({"byte", "short", "char", "int", "long", "float", "double"})


JAVA_INT_LITERALS = frozenset(
    {
        "decimal_integer_literal",
        "hex_integer_literal",
        "octal_integer_literal",
        "binary_integer_literal",
    }
)


JAVA_NUMERIC_LITERALS = JAVA_INT_LITERALS | {
    "decimal_floating_point_literal",
    "hex_floating_point_literal",
    "character_literal",
}


def is_pure(node: Node) -> bool:
    """Whether evaluating the expression has no side effect: no call, assignment, increment,
    allocation or comma anywhere inside it."""
    return not any(n.type in EFFECTS or n.is_missing for n in walk(node, stop=frozenset()))


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
