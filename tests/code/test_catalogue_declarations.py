from catalogue_checks import applied, reason


def test_split_declarators():
    code = "void f() {\n    int a = 1, *p = &a, c[3];\n}\n"
    assert applied("split-declaration", code, "c") == (
        "void f() {\n    int a = 1;\n    int *p = &a;\n    int c[3];\n}\n"
    )
    code = "void f() { int a = 1, b[] = {2}; }"
    assert applied("split-declaration", code, "java") == "void f() { int a = 1; int b[] = {2}; }"


def test_split_initialiser():
    code = "void f() { char *s = g(); }"
    assert applied("split-declaration", code, "c") == "void f() { char *s; s = g(); }"
    code = "void f() { List<String> l = new ArrayList<>(); }"
    assert applied("split-declaration", code, "java") == (
        "void f() { List<String> l; l = new ArrayList<>(); }"
    )


def test_split_refuses_what_cannot_be_assigned_or_copied():
    for code in (
        "void f() { const int k = 1; }",
        "void f() { static int z = 1; }",
        "void f() { struct { int q; } t, u; }",
    ):
        assert "not a plain declaration" in reason("split-declaration", code, "c")
    assert "initialiser" in reason("split-declaration", "void f() { int a[2] = {1, 2}; }", "c")
    assert "not a plain declaration" in reason(
        "split-declaration", "void f() { var v = 3; }", "java"
    )
    assert "not a plain declaration" in reason(
        "split-declaration", "void f() { final int k = 2; }", "java"
    )
    assert "initialiser" in reason("split-declaration", "void f() { int[] a = {1}; }", "java")


def test_merge_adjacent_declarations_of_one_type():
    code = "void f() {\n    int a = 1;\n    int *p = &a;\n    char c;\n}\n"
    assert applied("merge-declarations", code, "c") == (
        "void f() {\n    int a = 1, *p = &a;\n    char c;\n}\n"
    )
    assert reason("merge-declarations", "void f() { int a; /* x */ int b; }", "c") == (
        "no pair of adjacent declarations of the same type"
    )
    assert reason("merge-declarations", "void f() { int a; long b; }", "java") == (
        "no pair of adjacent declarations of the same type"
    )
