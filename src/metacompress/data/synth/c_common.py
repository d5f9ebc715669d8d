"""The C template object and the small pieces every vulnerability pattern uses.

A pattern variant is a function `rng -> CTemplate`. It draws every random choice (names, types,
sizes, loop kind, helper structure, distractor checks) before anything depends on the form, so
`template.render("V", style)` and `template.render("S", style)` are the vulnerable function and
its safe counterpart, identical except for the marked detail. The driver is a `main()` that calls
the function on a benign input and then on the designated trigger input (see `harness.py`).
"""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass, field

from metacompress.data.synth.names import NameDrawer, c_function_name
from metacompress.data.synth.style import Style, choose, keep_lines, restyle, substitute

VULNERABLE, SAFE = "V", "S"

CWE = {
    "buffer-overflow": "CWE-121",
    "off-by-one": "CWE-193",
    "null-dereference": "CWE-476",
    "division-by-zero": "CWE-369",
    "use-after-free": "CWE-416",
    "integer-overflow": "CWE-190",
    "format-string": "CWE-134",
}

BYTE_TYPES = ("char", "unsigned char", "uint8_t")
SIZE_TYPES = ("int", "size_t", "unsigned int", "long", "unsigned")
ELEMENT_TYPES = ("int", "long", "short", "unsigned int", "int32_t", "uint16_t")
WIDE_TYPES = ("int", "long", "double", "uint32_t", "float", "int64_t")
BUFFER_SIZES = (16, 24, 32, 48, 64, 100, 128, 256)


@dataclass(frozen=True)
class CTemplate:
    """One drawn variant: canonical template text, its names and the driver `main()`."""

    pattern: str
    variant: str
    text: str
    driver: str
    names: dict[str, object] = field(default_factory=dict)

    @property
    def entry(self) -> str:
        return str(self.names["F"])

    def render(self, form: str, style: Style) -> str:
        """The function in `form` ("V" vulnerable, "S" safe), laid out in `style`."""
        text = keep_lines(self.text, form)
        text = choose(text, lambda _: 0 if form == VULNERABLE else 1)
        return restyle(substitute(text, self.names), style)

    def harness_main(self) -> str:
        return substitute(self.driver, self.names)


def dedent(text: str) -> str:
    return textwrap.dedent(text).strip("\n") + "\n"


def base_names(rng: random.Random) -> tuple[dict[str, object], NameDrawer]:
    """The function name under role `F`, and a drawer for the other names."""
    drawer = NameDrawer(rng)
    name = c_function_name(rng)
    drawer.taken.add(name)
    return {"F": name}, drawer


def return_if(condition: str, value: str, depth: int = 1) -> str:
    """Canonical `if (condition) { return value; }` at `depth`."""
    pad = "    " * depth
    return f"{pad}if ({condition}) {{\n{pad}    return {value};\n{pad}}}\n"


def null_test(rng: random.Random, var: str) -> str:
    """One of the usual spellings of "var is NULL"."""
    return rng.choice((f"{var} == NULL", f"!{var}", f"NULL == {var}"))


def with_distractor(text: str, distractor: str) -> str:
    """Insert a check present in both forms right after the declarations."""
    return text.replace("@decl\n", "@decl\n" + distractor, 1) if distractor else text


def safe_only(block: str) -> str:
    """Mark every line of a canonical block as present only in the safe form."""
    return "".join(f"?S {line}\n" for line in block.rstrip("\n").split("\n"))
