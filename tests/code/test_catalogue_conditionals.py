from catalogue_checks import applied, reason


def test_swap_if_else_negates_and_swaps():
    code = "void f(int a) { if (a > 1) { g(); } else { h(); } }"
    assert applied("swap-if-else", code, "c") == (
        "void f(int a) { if (!(a > 1)) { h(); } else { g(); } }"
    )


def test_swap_if_else_simplifies_not_and_equality():
    assert applied("swap-if-else", "void f() { if (!ok) a(); else b(); }", "c") == (
        "void f() { if (ok) { b(); } else a(); }"
    )
    assert applied("swap-if-else", "void f() { if (p == NULL) a(); else b(); }", "c") == (
        "void f() { if (p != NULL) { b(); } else a(); }"
    )
    assert applied("swap-if-else", "void f() { if (!(x && y)) a(); else b(); }", "java") == (
        "void f() { if (x && y) { b(); } else a(); }"
    )


def test_swap_if_else_braces_the_new_then_branch_against_dangling_else():
    code = "void f() { if (a) x(); else if (b) y(); }"
    outs = {applied("swap-if-else", code, "c", seed=s) for s in range(6)}
    assert "void f() { if (!a) { if (b) y(); } else x(); }" in outs


def test_swap_if_else_needs_an_else():
    assert "no if statement with an else branch" in reason(
        "swap-if-else", "void f() { if (a) x(); }", "c"
    )


def test_else_if_to_nested():
    code = "void f(int i) { if (i) a(); else if (i > 2) b(); else c(); }"
    assert applied("else-if-to-nested", code, "java") == (
        "void f(int i) { if (i) a(); else { if (i > 2) b(); else c(); } }"
    )
    assert reason("else-if-to-nested", "void f() { if (a) b(); else c(); }", "c") == (
        "no else-if chain"
    )


def test_swap_if_else_never_glues_else_to_the_statement():
    code = 'int main(){int x=0;if(x)x=1;else{printf("yes");}return 0;}'
    assert applied("swap-if-else", code, "c") == (
        'int main(){int x=0;if(!x){printf("yes");}else x=1;return 0;}'
    )
    code = "void f(int a,int b){if(a>0)a=1;else{ b = 2; }}"
    assert applied("swap-if-else", code, "java") == (
        "void f(int a,int b){if(!(a>0)){ b = 2; }else a=1;}"
    )
