"""Java method families for the synthetic clone benchmark.

A family is one behaviour (sum of an array, factorial, reverse a string, ...) with several
implementations that compute it differently (loop kinds, streams, recursion, sorting, library
calls): two implementations of one family are type-4 clones. All families of one signature
take the same parameters, so a pair from two families is a non-clone that can be run side by
side. Every implementation marks behaviour-changing mutations as `«original@@mutant»`; each
mutant differs from the original on at least one input of `harness.JAVA_TABLES` (the tests run
all of them). Bodies are canonical template text (see `style.py`) with roles `$m` (the method),
`$a`/`$n`/`$s`/`$k` (parameters) and locals `$i $j $r $x $y $b $t $t2 $c $u`.
"""

from __future__ import annotations

from metacompress.data.synth.java_arrays import ARRAY_FAMILIES, SEARCH_FAMILIES
from metacompress.data.synth.java_family import Family
from metacompress.data.synth.java_numbers import NUMBER_FAMILIES
from metacompress.data.synth.java_strings import STRING_FAMILIES

#: signature kind -> (return type, ((parameter type, role), ...))
SIGNATURES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "int[]->int": ("int", (("int[]", "a"),)),
    "int->long": ("long", (("int", "n"),)),
    "String->String": ("String", (("String", "s"),)),
    "String->int": ("int", (("String", "s"),)),
    "int[],int->int": ("int", (("int[]", "a"), ("int", "k"))),
}

#: role -> name pool of `names.POOLS`
ROLE_POOLS = {
    "a": "arr", "n": "int", "s": "str", "k": "target", "i": "jidx", "j": "jidx", "r": "jacc",
    "x": "elem", "y": "elem", "b": "builder", "t": "tmp", "t2": "tmp", "c": "chr", "u": "tmp",
    "g": "gap", "g2": "gap",
}  # fmt: skip


#: Every family, in the order the generator draws from (array, number, string, search).
FAMILIES: tuple[Family, ...] = (
    *ARRAY_FAMILIES, *NUMBER_FAMILIES, *STRING_FAMILIES, *SEARCH_FAMILIES,
)

FAMILY_BY_NAME = {family.name: family for family in FAMILIES}
