import pytest

from metacompress.code.edits import Edit, apply_edits
from metacompress.code.lexer import boundary_problems, ends_in_line_comment, fuses, lex


def texts(code: str, lang: str = "c") -> list[str]:
    data = code.encode()
    return [data[t.start : t.end].decode() for t in lex(data, lang)]


def test_lex_by_maximal_munch():
    assert texts("x+=0x1e+1;a->b>>=c...d") == [
        "x", "+=", "0x1e+1", ";", "a", "->", "b", ">>=", "c", "...", "d",
    ]  # fmt: skip
    assert texts('L"w" \'c\' u8"s" 1.5e-3 .5 /* a */ // b\nz') == [
        'L"w"', "'c'", 'u8"s"', "1.5e-3", ".5", "/* a */", "// b", "z",
    ]  # fmt: skip
    assert texts("a >>>= b; c<:1:>", "java") == [
        "a",
        ">>>=",
        "b",
        ";",
        "c",
        "<",
        ":",
        "1",
        ":",
        ">",
    ]
    assert texts("c<:1:>", "c") == ["c", "<:", "1", ":>"]
    assert texts('String s = """\n  a "b" \n""";', "java")[3] == '"""\n  a "b" \n"""'


def test_lex_survives_unterminated_literals_and_comments():
    assert texts('"abc\nx /* y') == ['"abc', "x", "/* y"]
    assert texts("#define Q(a) 'x\nint é;") == [
        "#",
        "define",
        "Q",
        "(",
        "a",
        ")",
        "'x",
        "int",
        "é",
        ";",
    ]


@pytest.mark.parametrize(
    ("left", "right", "glues"),
    [
        ("a", "b", True), ("e", "1", True), ("L", "'x'", True), ("u8", '"s"', True),
        ("1", ".", True), ("0x1e", "+1", True), (".", "5", True), ("x.1e", "-2", True),
        ("+", "+", True), ("-", ">", True), (".", ".", True), ("/", "*", True), ("/", "/", True),
        ("a", "(", False), (")", ";", False), ("+", "a", False), ("!", "(", False),
        ("a", " ", False), ("}", "e", False), ("p", "->", False), ("size", "-1", False),
        ("x", "'", False), ("a1", ".b", False), ("", "a", False),
    ],
)  # fmt: skip
def test_fuses(left, right, glues):
    assert fuses(left.encode(), right.encode()) is glues


def test_boundary_problems_finds_glued_and_split_tokens():
    code = 'if(x){a();}else{printf("yes");}'
    start = code.index("{printf")
    glued = [Edit(start, len(code), 'printf("yes");')]
    problems = boundary_problems(code, apply_edits(code, glued), glued, "c")
    assert len(problems) == 1 and "'else'" in problems[0]
    spaced = [Edit(start, len(code), ' printf("yes");')]
    assert boundary_problems(code, apply_edits(code, spaced), spaced, "c") == []
    # An insertion inside a token touches it (it is not an untouched token split in two).
    inside = [Edit(1, 1, " ")]
    assert boundary_problems("ab;", "a b;", inside, "c") == []
    # A deletion that joins two untouched tokens glues both.
    joined = [Edit(1, 2, "")]
    assert len(boundary_problems("a b;", "ab;", joined, "c")) == 2
    # A comment left open by an edit swallows the tokens after it.
    opened = [Edit(2, 3, "//")]
    assert boundary_problems("a=b;\nc;", "a=//;\nc;", opened, "c")[0].startswith("token ';'")


def test_ends_in_line_comment():
    assert ends_in_line_comment(b"x = 1; // done")
    assert not ends_in_line_comment(b'x = "http://a";')
    assert not ends_in_line_comment(b" * see http://a.b */ for (;;)")
    assert ends_in_line_comment(b" * a */ x++; // b")
    assert not ends_in_line_comment(b"/* a // b */ x")
