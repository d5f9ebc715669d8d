"""Loop restructuring: `for` to `while` and `while` to `for`.

`for-to-while` rewrites `for (init; cond; update) body` as

    { init; while (cond) { body' update; } }

where body' is the body with every `continue` that belongs to this loop (not those of nested
loops; in Java also `continue L` with L this loop's label) replaced by `{ update; continue; }`,
so the update runs before each continue exactly as in the for loop. The outer block keeps a
declaration in `init` scoped to the loop; it is left out when `init` is an expression and the
loop already sits in a statement list. A missing condition becomes `1` (C) / `true` (Java).
In Java a label on the loop moves onto the `while` (a `continue L` needs a loop), and the
trailing update is left out when the body cannot complete normally (JLS 14.22) because it would
be an unreachable statement; when that cannot be decided the loop is not a site. In C a label
stays in front of the block, so a `goto` still runs `init`.

`while-to-for` rewrites `while (cond) body` as `for (; cond; ) body`, and with
`absorb_update` moves a final expression statement of the body into the update (only when no
`continue` targets the loop, so the statement ran after every iteration, and none of its names
is declared in the body) and with `absorb_init` moves a preceding assignment to a variable of
the condition into the init (it ran right before the loop in any case).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, ClassVar

from tree_sitter import Node

from metacompress.code.catalogue._base import Site, SiteTransformation
from metacompress.code.catalogue._syntax.completion import java_completes_normally
from metacompress.code.catalogue._syntax.declarations import declared_names, identifiers
from metacompress.code.catalogue._syntax.layout import indent_unit, line_indent, starts_line
from metacompress.code.catalogue._syntax.nodes import children, edit
from metacompress.code.catalogue._syntax.statements import (
    STATEMENT_LISTS,
    is_block,
    jumps_to,
    label_of,
    named_statements,
)
from metacompress.code.edits import Edit
from metacompress.code.parsing import ParsedCode
from metacompress.code.transform import transform

_TRUE = {"c": "1", "java": "true"}


def _condition_text(parsed: ParsedCode, loop: Node) -> str | None:
    condition = loop.child_by_field_name("condition")
    if condition is None:
        return None
    if condition.type == "parenthesized_expression":
        inner = condition.named_children
        if len(inner) == 1:
            return parsed.text(inner[0])
    return parsed.text(condition)


def _init_statements(parsed: ParsedCode, loop: Node) -> tuple[list[str], bool]:
    """The for-init as statements, and whether it declares variables."""
    if parsed.lang == "c":
        init = loop.child_by_field_name("initializer")
        if init is None:
            return [], False
        if init.type == "declaration":
            return [parsed.text(init)], True
        return [parsed.text(init) + ";"], False
    parts = children(loop, "init")
    declares = any(p.type == "local_variable_declaration" for p in parts)
    return [
        parsed.text(p) + ("" if p.type == "local_variable_declaration" else ";") for p in parts
    ], declares


def _update_statement(parsed: ParsedCode, loop: Node) -> str:
    updates = children(loop, "update")
    return " ".join(parsed.text(u) + ";" for u in updates)


@transform(
    "for-to-while",
    languages=("c", "java"),
    description="rewrite a for loop as a while loop, running the update before each continue",
)
@dataclass(frozen=True)
class ForToWhile(SiteTransformation):
    """`for (init; cond; update) body` -> `{ init; while (cond) { body update; } }`."""

    site_types: ClassVar[frozenset[str]] = frozenset({"for_statement"})
    site_name: ClassVar[str] = "for loop"

    def _check(self, parsed: ParsedCode, node: Node) -> Site | str | None:
        body = node.child_by_field_name("body")
        if body is None:
            return "for loop without a body"
        update = _update_statement(parsed, node)
        completes: bool | None = True
        if parsed.lang == "java" and update:
            completes = java_completes_normally(body)
            if completes is None:
                return "cannot tell whether the loop body completes normally"
        parent = node.parent
        outer = parent if parent is not None and parent.type == "labeled_statement" else node
        return Site(outer, outer.start_byte, outer.end_byte, {"loop": node, "tail": completes})

    def _rewrite(
        self, parsed: ParsedCode, site: Site, rng: random.Random, context: dict[str, Any]
    ) -> list[Edit]:
        loop: Node = site.info["loop"]
        body = loop.child_by_field_name("body")
        assert body is not None
        lang = parsed.lang
        inits, declares = _init_statements(parsed, loop)
        update = _update_statement(parsed, loop)
        condition = _condition_text(parsed, loop) or _TRUE[lang]
        labeled = site.node if site.node.type == "labeled_statement" else None
        parent = site.node.parent
        in_list = parent is not None and parent.type in STATEMENT_LISTS[lang]
        wrap = bool(inits) and (declares or not in_list or (labeled is not None and lang == "c"))
        if labeled is not None and lang == "java" and inits:
            wrap = True
        indent = line_indent(parsed, loop.start_byte)
        edits: list[Edit] = []

        header = f"while ({condition}) "
        if inits:
            joined = f"\n{indent}".join(inits)
            if wrap and labeled is not None and lang == "java":
                label = label_of(labeled)
                edits.append(edit(parsed, labeled.start_byte, loop.start_byte, ""))
                header = f"{{ {joined}\n{indent}{label}: {header}"
            elif wrap:
                header = f"{{ {joined}\n{indent}{header}"
            else:
                header = f"{joined}\n{indent}{header}"
        edits.append(edit(parsed, loop.start_byte, body.start_byte, header))

        if update:
            for jump in jumps_to(body, loop, "continue_statement"):
                edits.append(
                    edit(
                        parsed,
                        jump.start_byte,
                        jump.end_byte,
                        f"{{ {update} {parsed.text(jump)} }}",
                    )
                )
        tail = bool(update) and site.info["tail"] is not False
        if is_block(body, lang):
            if tail:
                closing = body.end_byte - 1
                brace_line = parsed.data.rfind(b"\n", body.start_byte, closing)
                if brace_line >= 0 and not parsed.data[brace_line + 1 : closing].strip():
                    unit = indent_unit(parsed, body)
                    text = f"{unit}{update}\n{line_indent(parsed, closing)}"
                    edits.append(edit(parsed, closing, closing, text))
                else:
                    edits.append(edit(parsed, closing, closing, f"{update} "))
        elif tail:
            edits.append(edit(parsed, body.start_byte, body.start_byte, "{ "))
            edits.append(edit(parsed, body.end_byte, body.end_byte, f" {update} }}"))
        if wrap:
            edits.append(edit(parsed, loop.end_byte, loop.end_byte, f"\n{indent}}}"))
        return edits


@transform(
    "while-to-for",
    languages=("c", "java"),
    description="rewrite a while loop as a for loop, absorbing its init and final update",
)
@dataclass(frozen=True)
class WhileToFor(SiteTransformation):
    """`i = 0; while (c) { ...; i++; }` -> `for (i = 0; c; i++) { ...; }`."""

    absorb_init: bool = True
    absorb_update: bool = True

    site_types: ClassVar[frozenset[str]] = frozenset({"while_statement"})
    site_name: ClassVar[str] = "while loop"

    def __post_init__(self) -> None:
        super().__post_init__()
        from metacompress.registry import check_choice

        check_choice("absorb_init", self.absorb_init, (True, False))
        check_choice("absorb_update", self.absorb_update, (True, False))

    def _check(self, parsed: ParsedCode, node: Node) -> Site | str | None:
        body = node.child_by_field_name("body")
        condition = _condition_text(parsed, node)
        if body is None or condition is None:
            return "while loop without a condition or body"
        init = self._init(parsed, node, condition) if self.absorb_init else None
        update = self._update(parsed, node, body) if self.absorb_update else None
        start = init.start_byte if init is not None else node.start_byte
        return Site(node, start, node.end_byte, {"init": init, "update": update})

    @staticmethod
    def _init(parsed: ParsedCode, loop: Node, condition: str) -> Node | None:
        """A preceding `x = e;` statement with x used in the condition, if any."""
        parent = loop.parent
        if parent is None or parent.type not in STATEMENT_LISTS[parsed.lang]:
            return None
        previous = loop.prev_named_sibling
        if previous is None or previous.type != "expression_statement":
            return None
        if parsed.data[previous.end_byte : loop.start_byte].strip():
            return None
        expression = previous.named_children[0] if previous.named_children else None
        if expression is None or expression.type != "assignment_expression":
            return None
        target = expression.child_by_field_name("left")
        operator = expression.child_by_field_name("operator")
        if target is None or target.type != "identifier" or operator is None:
            return None
        if operator.type != "=" or target.text is None:
            return None
        condition_node = loop.child_by_field_name("condition")
        if condition_node is None or target.text.decode() not in identifiers(condition_node):
            return None
        return previous

    @staticmethod
    def _update(parsed: ParsedCode, loop: Node, body: Node) -> Node | None:
        """The body's final expression statement, when it runs after every iteration."""
        if not is_block(body, parsed.lang):
            return None
        statements = named_statements(body)
        if len(statements) < 2 or body.named_children[-1].type != "expression_statement":
            return None
        last = statements[-1]
        if jumps_to(body, loop, "continue_statement"):
            return None
        if identifiers(last) & declared_names(body, parsed.lang):
            return None
        return last

    def _rewrite(
        self, parsed: ParsedCode, site: Site, rng: random.Random, context: dict[str, Any]
    ) -> list[Edit]:
        loop = site.node
        body = loop.child_by_field_name("body")
        assert body is not None
        init: Node | None = site.info["init"]
        update: Node | None = site.info["update"]
        condition = _condition_text(parsed, loop)
        init_text = parsed.text(init).rstrip(";").rstrip() if init is not None else ""
        update_text = parsed.text(update).rstrip(";").rstrip() if update is not None else ""
        edits: list[Edit] = []
        header_start = loop.start_byte
        if init is not None:
            header_start = init.start_byte
        tail = f" {update_text})" if update_text else ")"
        header = f"for ({init_text}; {condition};{tail} "
        edits.append(edit(parsed, header_start, body.start_byte, header))
        if update is not None:
            previous = update.prev_sibling
            start = previous.end_byte if previous is not None else update.start_byte
            if starts_line(parsed, update):
                edits.append(edit(parsed, start, update.end_byte, ""))
            else:
                edits.append(edit(parsed, update.start_byte, update.end_byte, ""))
        return edits
