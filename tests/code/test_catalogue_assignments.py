from catalogue_checks import applied, reason


def test_expand_in_c_parenthesises_the_operand():
    code = "void f(int x, int y) { x -= y + 1; }"
    assert applied("expand-compound-assignment", code, "c") == (
        "void f(int x, int y) { x = x - (y + 1); }"
    )
    code = "void f(struct s *p) { p->n <<= 2; }"
    assert applied("expand-compound-assignment", code, "c") == (
        "void f(struct s *p) { p->n = p->n << 2; }"
    )


def test_expand_needs_a_side_effect_free_target():
    why = reason("expand-compound-assignment", "void f(int *a) { a[g()] += 1; }", "c")
    assert "side effects" in why


def test_java_expand_respects_implicit_narrowing():
    ok = "void f(int i, long l) { i += 2; l += i; }"
    assert applied("expand-compound-assignment", ok, "java", max_sites=5) == (
        "void f(int i, long l) { i = i + 2; l += i; }"
    )
    assert "int, long, float or double" in reason(
        "expand-compound-assignment", "void f(byte b) { b += 1; }", "java"
    )
    assert "widen" in reason("expand-compound-assignment", "void f(int i) { i += 3.9; }", "java")
    assert "same" in reason(
        "expand-compound-assignment", "void f(int i, long l) { i += l; }", "java"
    ) or "type" in reason("expand-compound-assignment", "void f(int i, long l) { i += l; }", "java")


def test_contract():
    code = "void f(int x, int y) { x = x * (y + 1); y = 2 - y; }"
    assert applied("contract-compound-assignment", code, "c", max_sites=4) == (
        "void f(int x, int y) { x *= (y + 1); y = 2 - y; }"
    )
    code = "void f(String s) { s = s + 1; }"
    assert applied("contract-compound-assignment", code, "java") == ("void f(String s) { s += 1; }")
    why = reason("contract-compound-assignment", "void f(int x) { x = x - 1 - 2; }", "c")
    assert why == "no assignment of the form x = x OP y"


def test_increment_forms():
    code = "void f(int i) { i++; }"
    outs = {applied("increment-form", code, "c", seed=s) for s in range(10)}
    assert outs == {"void f(int i) { ++i; }", "void f(int i) { i += 1; }"}
    assert applied("increment-form", "void f(int *p) { ++*p; }", "c", to="post") == (
        "void f(int *p) { (*p)++; }"
    )
    assert applied("increment-form", "void f(int i) { i -= 1; }", "c", to="pre") == (
        "void f(int i) { --i; }"
    )


def test_increment_value_must_be_unused():
    assert "used" in reason("increment-form", "int f(int i) { return i++; }", "c")
    code = "void f(int i) { for (i = 0; i < 3; i++, g()) { } }"
    assert applied("increment-form", code, "c", to="pre") == (
        "void f(int i) { for (i = 0; i < 3; ++i, g()) { } }"
    )


def test_java_compound_increment_needs_a_primitive_local():
    assert applied("increment-form", "void f(Integer b) { b++; }", "java") == (
        "void f(Integer b) { ++b; }"
    )
    assert "primitive" in reason("increment-form", "void f(String s) { s += 1; }", "java")
    assert applied("increment-form", "void f(char c) { c++; }", "java", to="compound") == (
        "void f(char c) { c += 1; }"
    )
