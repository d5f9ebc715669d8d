"""Whether a Java statement can complete normally (JLS 14.22), read conservatively: a
transformation that moves or wraps statements must not make code unreachable, which javac
rejects."""

from __future__ import annotations

from tree_sitter import Node

from metacompress.code.catalogue._syntax.declarations import is_final_local, java_local_type
from metacompress.code.catalogue._syntax.expressions import EFFECTS
from metacompress.code.catalogue._syntax.nodes import COMMENTS, walk
from metacompress.code.catalogue._syntax.statements import (
    else_branch,
    jumps_to,
    labeled_body,
    named_statements,
)


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
        if n.type in EFFECTS or n.type == "this":
            return False
        if n.type == "identifier" and (n.parent is None or n.parent.type != "field_access"):
            declared = java_local_type(n)
            if declared is not None and not is_final_local(n):
                return False
    return None


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
