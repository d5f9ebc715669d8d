from catalogue_checks import applied, reason


def test_swap_operands_in_c_with_precedence():
    assert applied("swap-operands", "int f(int a, int b) { return a - 3 + b; }", "c") == (
        "int f(int a, int b) { return b + (a - 3); }"
    )
    assert applied("swap-operands", "int f(int *p) { return p + 1; }", "c") == (
        "int f(int *p) { return 1 + p; }"
    )


def test_swap_operands_skips_side_effects():
    why = reason("swap-operands", "int f(int a) { return g(a) + a; }", "c")
    assert "side effects" in why
    assert "side effects" in reason("swap-operands", "int f(int a) { return a++ * 2; }", "c")


def test_swap_operands_skips_a_possible_cast():
    assert "cast" in reason("swap-operands", "int f(int a) { return (T) + a; }", "c")


def test_java_plus_only_on_provably_numeric_operands():
    code = "String f(int a, String s) { int b = a + 1; return s + a; }"
    assert applied("swap-operands", code, "java") == (
        "String f(int a, String s) { int b = 1 + a; return s + a; }"
    )
    why = reason("swap-operands", "String f(int a, String s) { return s + a; }", "java")
    assert "numeric" in why


def test_java_field_of_unknown_type_is_not_numeric():
    assert "numeric" in reason("swap-operands", "int f() { return count + 1; }", "java")


def test_java_operands_that_may_both_throw_stay():
    code = "int f(int[] a, int[] b) { return a[0] * b[0]; }"
    assert "throw" in reason("swap-operands", code, "java")


def test_java_equality_swaps():
    assert applied("swap-operands", "boolean f(Object o) { return o == null; }", "java") == (
        "boolean f(Object o) { return null == o; }"
    )


def test_flip_relational():
    code = "int f(int a, int b) { return a <= b; }"
    assert applied("flip-relational", code, "c") == "int f(int a, int b) { return b >= a; }"
    code = "boolean f(int a) { return a - 1 > 2; }"
    assert applied("flip-relational", code, "java") == "boolean f(int a) { return 2 < a - 1; }"
    assert "side effects" in reason("flip-relational", "int f() { return g() < 1; }", "c")
