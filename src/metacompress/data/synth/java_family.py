"""A family of the synthetic clone benchmark's Java methods, and the helpers that write one.

`Family`: one behaviour, its signature kind (`java_methods.SIGNATURES`), method-name stems and
implementations (canonical template text, `java_methods` module docstring). `family(...)`
builds one from indented template text; `extreme(largest)` gives the implementations of max
or min, written once for both.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    """One behaviour, its signature kind, method-name stems and implementations."""

    name: str
    signature: str
    stems: tuple[str, ...]
    impls: dict[str, str]


def body(text: str) -> str:
    """Template text dedented, stripped of blank edge lines and indented one level."""
    return textwrap.indent(textwrap.dedent(text).strip("\n"), "    ") + "\n"


def extreme(largest: bool) -> dict[str, str]:
    """Implementations of max (largest=True) or min, written once for both."""
    cmp, other = (">", "<") if largest else ("<", ">")
    fn, other_fn = ("max", "min") if largest else ("min", "max")
    init = "Integer.MIN_VALUE" if largest else "Integer.MAX_VALUE"
    last, first = ("$t.length - 1", "0") if largest else ("0", "$t.length - 1")
    impls = {
        "loop": f"""
            int $r = $a[0];
            for (int $i = 1; $i < $a.length; $i++) {{
                if ($a[$i] «{cmp}@@{other}» $r) {{
                    $r = $a[$i];
                }}
            }}
            return $r;
            """,
        "each-math": f"""
            int $r = {init};
            for (int $x : $a) {{
                $r = Math.«{fn}@@{other_fn}»($r, $x);
            }}
            return $r;
            """,
        "stream": f"return Arrays.stream($a).«{fn}@@{other_fn}»().getAsInt();",
        "sort": f"""
            int[] $t = $a.clone();
            Arrays.sort($t);
            return $t[«{last}@@{first}»];
            """,
        "while-ternary": f"""
            int $i = 0;
            int $r = $a[0];
            while ($i < $a.length) {{
                $r = $a[$i] «{cmp}@@{other}» $r ? $a[$i] : $r;
                $i++;
            }}
            return $r;
            """,
    }
    return {name: body(text) for name, text in impls.items()}


def family(name: str, signature: str, stems: tuple[str, ...], impls: dict[str, str]) -> Family:
    return Family(name, signature, stems, {k: body(v) for k, v in impls.items()})
