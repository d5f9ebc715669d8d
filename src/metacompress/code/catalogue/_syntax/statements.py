"""Statements: the statement lists a new statement may join, loop and if bodies, labels, the
target of a `break` or `continue`, and where a new statement may be inserted."""

from __future__ import annotations

from tree_sitter import Node

from metacompress.code.catalogue._syntax.nodes import (
    COMMENTS,
    JUMP_BOUNDARIES,
    ancestors,
    key,
    walk,
)
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


def named_statements(node: Node) -> list[Node]:
    """The named children of a statement list, comments excluded."""
    return [c for c in node.named_children if c.type not in COMMENTS]


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
