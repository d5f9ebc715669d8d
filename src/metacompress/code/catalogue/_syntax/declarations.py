"""Declarations: the names declared inside a node, the identifier a C declarator declares, and
the declared type of a Java local variable or parameter (a scope-by-scope lookup)."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from metacompress.code.catalogue._syntax.nodes import ancestors, children, key, walk


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


def is_final_local(identifier: Node) -> bool:
    name = identifier.text.decode() if identifier.text else ""
    child = identifier
    for scope in ancestors(identifier):
        for declaration in _scope_declarations(scope, child):
            if declaration.type != "identifier" and _declares(declaration, name) is not None:
                modifiers = next((c for c in declaration.children if c.type == "modifiers"), None)
                return modifiers is not None and b"final" in (modifiers.text or b"")
        child = scope
    return True


def declared_names(node: Node, lang: str) -> set[str]:
    """Every name declared anywhere inside `node` (variables, parameters, labels excluded)."""
    names: set[str] = set()
    for n in walk(node, stop=frozenset()):
        if lang == "c" and n.type in ("declaration", "parameter_declaration"):
            for declarator in children(n, "declarator"):
                ident = c_declarator_identifier(declarator)
                if ident is not None and ident.text:
                    names.add(ident.text.decode())
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
