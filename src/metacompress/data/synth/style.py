"""Code templates and layout styles shared by the C and Java generators.

A template is canonical source text: four-space indentation, the opening brace of a control
block at the end of its header, and these marks:
- `$role` is replaced by the name (or type, or number) drawn for that role;
- `${role}` is the same, for a role followed by letters (`%${W}d`);
- `«a@@b»` is a choice point: `a` or `b` by the caller's selector (vulnerable/safe in C,
  original/mutant in Java);
- a line starting with `?V ` (or `?S `) is kept only in the vulnerable (or safe) form;
- a line that is exactly `@decl` ends the declarations (a blank line in some styles).

`restyle` then lays the canonical text out in one `Style`: indentation unit, brace placement,
braces around single statements, `if(` or `if (`, blank lines and an optional leading comment.
Layout never changes behaviour, so the same template in two styles is a type-1 clone.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

_ROLE = re.compile(r"\$\{(\w+)\}|\$([A-Za-z]\w*)")
_CHOICE = re.compile(r"«(.*?)@@(.*?)»", re.DOTALL)
_CONTROL = re.compile(r"^(\} )?(if|for|while|switch|else if|else|do)\b")
_SIMPLE_STATEMENT = re.compile(r"^(?!(if|for|while|do|switch|else)\b)[^{}]*;$")
_KEYWORD_PAREN = re.compile(r"\b(if|for|while|switch) \(")


@dataclass(frozen=True)
class Style:
    """One way of laying out code; see `restyle`."""

    indent: str = "    "
    function_brace_own_line: bool = True
    allman: bool = False
    bare_single_statements: bool = False
    keyword_space: bool = True
    blank_after_declarations: bool = False
    comment: str | None = None


C_COMMENTS = (
    "/* validate and process the input */",
    "/* caller owns the buffers */",
    "/* returns -1 on error */",
    "/* keep in sync with the header */",
    "/* fast path first */",
)
JAVA_COMMENTS = (
    "// compute the result",
    "// simple implementation",
    "// iterate over the input",
    "/* helper used by the service layer */",
    "// no side effects",
)


def draw_style(rng: random.Random, lang: str) -> Style:
    """A random style; C functions mostly put `{` on its own line, Java methods mostly do not."""
    indent = rng.choice(("    ", "    ", "    ", "  ", "\t"))
    own_line = rng.random() < (0.85 if lang == "c" else 0.15)
    comments = C_COMMENTS if lang == "c" else JAVA_COMMENTS
    return Style(
        indent=indent,
        function_brace_own_line=own_line,
        allman=rng.random() < 0.25,
        bare_single_statements=rng.random() < 0.35,
        keyword_space=rng.random() < 0.85,
        blank_after_declarations=rng.random() < 0.5,
        comment=rng.choice(comments) if rng.random() < 0.2 else None,
    )


def substitute(template: str, names: Mapping[str, object]) -> str:
    """Replace every `$role` by `names[role]` (a missing role is a KeyError: a template bug)."""
    return _ROLE.sub(lambda m: str(names[m.group(1) or m.group(2)]), template)


def choose(template: str, select: Callable[[int], int]) -> str:
    """Resolve each `«a@@b»` point (numbered from 0 in text order) by `select(point)`."""
    counter = itertools.count()
    return _CHOICE.sub(lambda m: m.group(1 + select(next(counter))), template)


def count_points(template: str) -> int:
    """Number of `«a@@b»` choice points in a template."""
    return len(_CHOICE.findall(template))


def keep_lines(template: str, form: str) -> str:
    """Keep the `?<form> ` lines (prefix removed), drop the other `?X ` lines."""
    out = []
    for line in template.split("\n"):
        stripped = line.lstrip(" ")
        if len(stripped) > 2 and stripped[0] == "?" and stripped[2] == " ":
            if stripped[1] != form:
                continue
            line = line[: len(line) - len(stripped)] + stripped[3:]
        out.append(line)
    return "\n".join(out)


def _parse(code: str) -> list[tuple[int, str]]:
    lines = []
    for line in code.strip("\n").split("\n"):
        if not line.strip():
            lines.append((0, ""))
            continue
        spaces = len(line) - len(line.lstrip(" "))
        lines.append((spaces // 4, line.strip()))
    return lines


def _drop_single_braces(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """`if (c) {` / one simple statement / `}` becomes `if (c)` / the statement."""
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        depth, text = lines[i]
        if (
            i + 2 < len(lines)
            and depth > 0
            and text.endswith(" {")
            and _CONTROL.match(text)
            and not text.startswith("do")
            and lines[i + 1][0] == depth + 1
            and _SIMPLE_STATEMENT.match(lines[i + 1][1])
            and lines[i + 2] == (depth, "}")
        ):
            out.append((depth, text[:-2]))
            out.append(lines[i + 1])
            i += 3
            continue
        out.append((depth, text))
        i += 1
    return out


def _allman(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for depth, text in lines:
        if depth > 0 and text.endswith(" {") and _CONTROL.match(text):
            head = text[:-2]
            if head.startswith("} "):
                out.append((depth, "}"))
                head = head[2:]
            out.append((depth, head))
            out.append((depth, "{"))
        else:
            out.append((depth, text))
    return out


def restyle(code: str, style: Style) -> str:
    """Lay out canonical template text (see the module docstring) in `style`."""
    lines = _parse(code)
    if style.bare_single_statements:
        lines = _drop_single_braces(lines)
    if style.allman:
        lines = _allman(lines)
    if not style.keyword_space:
        lines = [(d, _KEYWORD_PAREN.sub(r"\1(", t)) for d, t in lines]
    out: list[str] = []
    for depth, text in lines:
        if text == "@decl":
            if style.blank_after_declarations:
                out.append("")
            continue
        if depth == 0 and text == "{" and out and not style.function_brace_own_line:
            out[-1] += " {"
        elif depth == 0 and text.endswith(" {") and style.function_brace_own_line:
            out.extend((text[:-2], "{"))
        else:
            out.append(style.indent * depth + text if text else "")
        if depth == 0 and out[-1].endswith("{") and style.comment:
            out.append(style.indent + style.comment)
    return "\n".join(out) + "\n"
