"""Rewrite C programs into implicit-int and K&R form, to test the code layer on such heads with
real programs: every function definition whose return type is plain `int` or `void`
loses it (`int main(void)` -> `main()`), and one whose parameters are all plain declarations
gets K&R parameter declarations (`f(int a, char *b) {` -> `f(a, b)\\nint a;\\nchar *b;\\n{`).
gcc (up to version 13) still compiles these forms, with warnings."""

from __future__ import annotations

from metacompress.code.parsing import parse


def _parameters(parsed, declarator) -> tuple[list[str], list[str]] | None:
    """(names, K&R declarations) of a function declarator's parameters, or None."""
    parameters = declarator.child_by_field_name("parameters")
    if parameters is None:
        return None
    names, declarations = [], []
    for parameter in parameters.named_children:
        if parameter.type == "comment":
            return None
        if parameter.type != "parameter_declaration":
            return None
        inner = parameter.child_by_field_name("declarator")
        if inner is None:
            if parsed.text(parameter) == "void":
                continue
            return None
        ident = inner
        while ident is not None and ident.type != "identifier":
            ident = ident.child_by_field_name("declarator")
        if ident is None or any(c.type == "function_declarator" for c in _walk(inner)):
            return None
        names.append(parsed.text(ident))
        declarations.append(parsed.text(parameter) + ";")
    return names, declarations


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def to_kr(code: str) -> str:
    """`code` with its top-level `int`/`void` functions in implicit-int (and, where the
    parameters allow, K&R) form."""
    parsed = parse(code, "c")
    data = parsed.data
    edits: list[tuple[int, int, bytes]] = []
    for function in parsed.functions():
        type_node = function.child_by_field_name("type")
        declarator = function.child_by_field_name("declarator")
        body = function.child_by_field_name("body")
        if type_node is None or declarator is None or body is None:
            continue
        if (
            parsed.text(type_node) not in ("int", "void")
            or declarator.type != "function_declarator"
        ):
            continue
        edits.append((type_node.start_byte, declarator.start_byte, b""))
        found = _parameters(parsed, declarator)
        parameters = declarator.child_by_field_name("parameters")
        if found is None or parameters is None:
            continue
        names, declarations = found
        head = "(" + ", ".join(names) + ")\n" + "".join(d + "\n" for d in declarations)
        edits.append((parameters.start_byte, body.start_byte, head.encode()))
    for start, end, text in sorted(edits, reverse=True):
        data = data[:start] + text + data[end:]
    return data.decode()
