from catalogue_checks import applied, reason

from metacompress.code.parsing import parse

C_CODE = """int f(int n)
{
    int s = 0; /* c */
#ifdef X
    s = 1;
#endif
    char *t = "a  b";
    for (int i = 0; i < n; i++) {
        s += f(i, 2); // note
    }
    return s;
}
"""


def _tokens(code: str, lang: str) -> list[bytes]:
    parsed = parse(code, lang)
    out = []
    stack = [parsed.root]
    while stack:
        node = stack.pop()
        if node.child_count == 0 or node.type in ("string_literal", "comment"):
            out.append(node.text)
            continue
        stack.extend(reversed(node.children))
    return [t for t in out if not t.startswith((b"/*", b"//"))]


def test_reindent_with_tabs_keeps_tokens_and_preprocessor_lines():
    out = applied("reindent", C_CODE, "c", unit="tab")
    assert "\tint s = 0;" in out and "\t\ts += f(i, 2);" in out
    assert "\n#ifdef X\n" in out and '"a  b"' in out
    assert _tokens(out, "c") == _tokens(C_CODE, "c")


def test_reindent_random_picks_another_unit():
    out = applied("reindent", C_CODE, "c", seed=4)
    assert out != C_CODE and _tokens(out, "c") == _tokens(C_CODE, "c")
    assert reason("reindent", C_CODE.replace("    ", "\t"), "c", unit="tab") == "no change"


def test_respace_keeps_tokens():
    for seed in range(10):
        out = applied("respace-tokens", C_CODE, "c", seed=seed, max_sites=8)
        assert _tokens(out, "c") == _tokens(C_CODE, "c")
        assert "#ifdef X\n" in out and '"a  b"' in out


def test_respace_never_fuses_operators():
    code = "int f(int a) { return a - -1; }"
    for seed in range(10):
        out = applied("respace-tokens", code, "c", seed=seed, max_sites=20)
        assert "--" not in out


def test_break_lines_keeps_tokens_and_line_comments():
    for seed in range(10):
        out = applied("break-lines", C_CODE, "c", seed=seed, max_sites=6)
        assert _tokens(out, "c") == _tokens(C_CODE, "c")
        assert "// note\n" in out and "\n#ifdef X\n" in out and "\n#endif\n" in out


def test_insert_comment():
    out = applied("insert-comment", "void f() {\n    g();\n}\n", "c")
    assert out.startswith("void f() {\n    /* ") and out.endswith(" */\n    g();\n}\n")
    out = applied("insert-comment", "void f() {\n    g();\n}\n", "java")
    assert out.startswith("void f() {\n    // ") and out.endswith("\n    g();\n}\n")


def test_layout_not_applicable_without_a_body():
    assert "parse errors" not in reason("respace-tokens", "int x;", "c")
    assert reason("insert-comment", "int f() { }", "c")
