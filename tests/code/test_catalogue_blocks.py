from catalogue_checks import applied, reason


def test_add_braces_to_every_kind_of_body():
    code = "void f(int i) { if (i) i++; else g(); while (i) i--; do i++; while (i < 3); }"
    assert applied("add-braces", code, "c", max_sites=10) == (
        "void f(int i) { if (i) { i++; } else { g(); } while (i) { i--; } "
        "do { i++; } while (i < 3); }"
    )


def test_add_braces_leaves_else_if_alone():
    code = "void f(int i) { if (i) { a(); } else if (i > 1) { b(); } }"
    assert reason("add-braces", code, "java") == "no single-statement body"


def test_remove_braces():
    code = "void f(int i) { if (i) { i++; } for (;;) { /* stop */ break; } }"
    assert applied("remove-braces", code, "c", max_sites=10) == (
        "void f(int i) { if (i) i++; for (;;) /* stop */ break; }"
    )


def test_remove_braces_gives_else_if_chains():
    code = "void f(int i) { if (i) { a(); } else { if (i > 1) b(); } }"
    assert applied("remove-braces", code, "c", max_sites=10) == (
        "void f(int i) { if (i) a(); else if (i > 1) b(); }"
    )


def test_remove_braces_refuses_dangling_else_and_declarations():
    code = "void f() { if (a) { if (b) c(); } else d(); }"
    assert "dangling" in reason("remove-braces", code, "c")
    code = "void f() { if (a) { while (b) if (c) d(); } else e(); }"
    assert "dangling" in reason("remove-braces", code, "java")
    assert "declaration" in reason("remove-braces", "void f() { while (a) { int k = 1; } }", "c")
    assert "//" in reason("remove-braces", "void f() { if (a) { b(); // x\n } }", "c")


def test_remove_braces_never_glues_else_or_do_to_the_statement():
    code = 'int main(){int x=0;if(x)x=1;else{printf("yes");}return 0;}'
    assert applied("remove-braces", code, "c") == (
        'int main(){int x=0;if(x)x=1;else printf("yes");return 0;}'
    )
    code = "void f(int a,int b){if(a>0)a=1;else{ b = 2; }}"
    assert applied("remove-braces", code, "java") == "void f(int a,int b){if(a>0)a=1;else b = 2;}"
    code = "int f(){int x=0;do{x++;}while(x<3);return x;}"
    assert applied("remove-braces", code, "c") == "int f(){int x=0;do x++;while(x<3);return x;}"
