from catalogue_checks import applied, reason


def test_for_to_while_wraps_a_declaring_init_and_updates_before_continue():
    code = """void f(int n) {
    for (int i = 0; i < n; i++) {
        if (i == 2) continue;
        g(i);
    }
}
"""
    assert (
        applied("for-to-while", code, "c")
        == """void f(int n) {
    { int i = 0;
    while (i < n) {
        if (i == 2) { i++; continue; }
        g(i);
        i++;
    }
    }
}
"""
    )


def test_for_to_while_leaves_continues_of_nested_loops_alone():
    code = "void f(int n) { int i, j; for (i = 0; i < n; i++) { while (j) { continue; } } }"
    out = applied("for-to-while", code, "c")
    assert out == (
        "void f(int n) { int i, j; i = 0;\nwhile (i < n) { while (j) { continue; } i++; } }"
    )


def test_for_to_while_without_condition_and_with_single_statement_body():
    assert applied("for-to-while", "void f() { for (;;) g(); }", "c") == (
        "void f() { while (1) g(); }"
    )
    assert applied("for-to-while", "void f(int i) { if (i) for (; i < 3; i++) g(); }", "c") == (
        "void f(int i) { if (i) while (i < 3) { g(); i++; } }"
    )


def test_java_labelled_continue_moves_the_label_onto_the_while():
    code = """void f(int n) {
    outer: for (int i = 0, k = 1; i < n; i++, k++) {
        for (int j = 0; j < i; j++) { if (j > 2) continue outer; }
    }
}"""
    outs = {applied("for-to-while", code, "java", seed=s) for s in range(8)}
    assert (
        """void f(int n) {
    { int i = 0, k = 1;
    outer: while (i < n) {
        for (int j = 0; j < i; j++) { if (j > 2) { i++; k++; continue outer; } }
        i++; k++;
    }
    }
}"""
        in outs
    )


def test_java_update_is_dropped_after_a_body_that_cannot_complete_normally():
    code = "int f(int n) { for (int i = 0; i < n; i++) { return i; } return -1; }"
    assert applied("for-to-while", code, "java") == (
        "int f(int n) { { int i = 0;\nwhile (i < n) { return i; }\n} return -1; }"
    )


def test_java_loop_whose_completion_cannot_be_decided_is_not_a_site():
    code = "void f() { for (int i = 0; i < 3; i++) { while (FLAG) { } } }"
    assert "completes normally" in reason("for-to-while", code, "java")


def test_while_to_for_absorbs_init_and_update():
    code = """int f(int n) {
    int i, s = 0;
    i = 0;
    while (i < n) {
        s += i;
        i++;
    }
    return s;
}"""
    assert (
        applied("while-to-for", code, "c")
        == """int f(int n) {
    int i, s = 0;
    for (i = 0; i < n; i++) {
        s += i;
    }
    return s;
}"""
    )


def test_while_to_for_keeps_the_update_when_a_continue_would_skip_it():
    code = "void f(int s) { while (s > 0) { if (s == 3) continue; s--; } }"
    assert applied("while-to-for", code, "c") == (
        "void f(int s) { for (; s > 0;) { if (s == 3) continue; s--; } }"
    )


def test_while_to_for_keeps_an_update_that_names_a_body_variable():
    code = "void f(int s) { while (s < 10) { int i = 2; s += i; i++; } }"
    assert applied("while-to-for", code, "java") == (
        "void f(int s) { for (; s < 10;) { int i = 2; s += i; i++; } }"
    )


def test_while_to_for_without_absorbing():
    code = "void f(int i) { i = 0; while (i < 3) { g(); i++; } }"
    out = applied("while-to-for", code, "c", absorb_init=False, absorb_update=False)
    assert out == "void f(int i) { i = 0; for (; i < 3;) { g(); i++; } }"


def test_loops_not_applicable():
    assert reason("for-to-while", "void f() { g(); }", "c") == "no for loop"
    assert "parse errors" in reason("while-to-for", "void f() { while (x y) { } }", "c")
