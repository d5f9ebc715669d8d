import re

from catalogue_checks import applied, reason

C_FUNCTION = """int f(int n) {
    int s = 0;
    return s + n;
}
"""
JAVA_METHOD = """public int f(int n) {
    int s = 0;
    return s + n;
}
"""


def test_dead_branch_in_c_is_an_if_0_block_with_a_fresh_variable():
    out = applied("insert-dead-branch", C_FUNCTION, "c", seed=3)
    match = re.search(r"if \(0\) \{\n\s+(int|long|unsigned int|double) (\w+) = [\d.]+;\n", out)
    assert match, out
    name = match.group(2)
    assert name not in C_FUNCTION
    assert out.replace(match.group(0), "", 1) != C_FUNCTION
    assert out.count(name) >= 2


def test_dead_branch_in_java_uses_if_false_and_is_deterministic():
    first = applied("insert-dead-branch", JAVA_METHOD, "java", seed=1)
    assert "if (false) {" in first
    assert first == applied("insert-dead-branch", JAVA_METHOD, "java", seed=1)


def test_dead_branch_is_inserted_before_a_statement_never_after_return():
    code = "int f(int n) { return n; }"
    out = applied("insert-dead-branch", code, "c")
    assert re.fullmatch(r"int f\(int n\) \{ if \(0\) \{ .* \} return n; \}", out), out


def test_unused_variable_is_a_declaration_with_a_fresh_name():
    out = applied("insert-unused-variable", C_FUNCTION, "c", seed=2)
    added = [line for line in out.splitlines() if line not in C_FUNCTION.splitlines()]
    assert len(added) == 1
    assert re.fullmatch(r"    (int|long|unsigned int|double) \w+ = [\d.]+;", added[0]), added


def test_names_of_several_insertions_never_collide():
    code = "void f(void) {\n    a();\n    b();\n    c();\n}\n"
    out = applied("insert-unused-variable", code, "c", max_sites=3)
    names = re.findall(r"(?:int|long|double) (\w+) =", out)
    assert len(names) == 3 and len(set(names)) == 3


def test_java_constructor_call_stays_first():
    code = "class A { A() { this(1); } A(int x) { super(); x++; } }"
    for seed in range(8):
        out = applied("insert-unused-variable", code, "java", seed=seed)
        assert "A() { this(1); }" in out or re.search(r"A\(\) \{ \w+ \w+ = ", out) is None
        assert "{ super();" in out


def test_no_statement_position_and_parse_errors_are_named():
    assert "statement position" in reason("insert-dead-branch", "int x = 1;", "c")
    why = reason("insert-dead-branch", "int f() { FOO(x y) }", "c")
    assert "parse errors at line 1" in why


def test_switch_bodies_are_not_positions():
    code = "void f(int x) { switch (x) { case 1: break; } }"
    out = applied("insert-dead-branch", code, "c", max_sites=5)
    assert out.startswith("void f(int x) { if (0)")
    assert "{ case 1: break; }" in out
