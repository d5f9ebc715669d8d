"""Properties every registered transformation has on any layout of the same program: generated
layouts put nothing, spaces, tabs, newlines or comments between the tokens (nothing only where
the two tokens cannot glue), and every output keeps each token the edits do not touch as a token
(`lexer.boundary_problems`), never parsing worse than its input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from metacompress.code.lexer import boundary_problems, fuses
from metacompress.code.parsing import parse
from metacompress.code.transform import TRANSFORMS, Applied

PROGRAMS = {
    "c": [
        'int f ( int a , int b ) { int x = 0 , y ; if ( a > b ) { x ++ ; } else { printf ( "yes"'
        " ) ; } do { x ++ ; } while ( x < 3 ) ; while ( a < b ) { a += 2 ; } y = x * 2 ; for ("
        " y = 0 ; y < b ; y ++ ) x -= y ; if ( x ) return - x ; else if ( b ) { return b ; }"
        " else return x ; }",
        "static long g ( long * p , int n ) { long s = 0 ; int i = 0 ; for ( ; i < n ; i ++ ) {"
        " if ( p [ i ] == 0 ) continue ; s = s + p [ i ] ; } do s -- ; while ( s > 9 ) ; return"
        " s ; }",
    ],
    "java": [
        "int f ( int a , int b ) { int x = 0 ; if ( a > b ) { x ++ ; } else { b = 2 ; } do { x ++"
        ' ; } while ( x < 3 ) ; for ( int i = 0 ; i < b ; i ++ ) { x += i ; } String s = "v" +'
        " x ; if ( s . isEmpty ( ) ) return - x ; else return x - b ; }",
        "public static long g ( long [ ] p ) { long s = 0 ; for ( long v : p ) { if ( v == 0 )"
        " continue ; s = s + v ; } while ( s > 9 ) { s -- ; } return s ; }",
    ],
}
SEPARATORS = ("", " ", "\t", "\n", "  ", "\n\t", "/*c*/", "/* c */\n", "//c\n")
NAMES = TRANSFORMS.names()


@st.composite
def layouts(draw, lang: str) -> str:
    """A program of `lang` with a separator drawn for every gap between two tokens."""
    tokens = draw(st.sampled_from(PROGRAMS[lang])).split(" ")
    parts = [tokens[0]]
    for left, right in zip(tokens, tokens[1:], strict=False):
        choices = SEPARATORS if not fuses(left.encode(), right.encode()) else SEPARATORS[1:]
        parts.append(draw(st.sampled_from(choices)))
        parts.append(right)
    return "".join(parts) + "\n"


def check_every_transformation(code: str, lang: str, seed: int) -> int:
    """Apply every transformation of `lang` to `code`; assert the properties; count applied."""
    errors = parse(code, lang).error_count
    assert errors == 0, code
    applied = 0
    for name in NAMES:
        if lang not in TRANSFORMS.entry(name).meta["languages"]:
            continue
        outcome = TRANSFORMS.create(name).apply(code, lang, seed)
        if not isinstance(outcome, Applied):
            continue
        applied += 1
        problems = boundary_problems(code, outcome.code, outcome.edits, lang)
        assert not problems, f"{name}: {problems[:3]}\n{code}\n->\n{outcome.code}"
        assert parse(outcome.code, lang).error_count == 0, f"{name}: {outcome.code}"
    return applied


@settings(max_examples=40, deadline=None)
@given(code=layouts("c"), seed=st.integers(0, 2**16))
def test_c_layouts_keep_token_boundaries(code: str, seed: int) -> None:
    assert check_every_transformation(code, "c", seed) > 10


@settings(max_examples=40, deadline=None)
@given(code=layouts("java"), seed=st.integers(0, 2**16))
def test_java_layouts_keep_token_boundaries(code: str, seed: int) -> None:
    assert check_every_transformation(code, "java", seed) > 10
