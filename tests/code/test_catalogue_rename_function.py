from catalogue_checks import applied, reason

from metacompress.code.transform import TRANSFORMS


def test_rename_function_renames_the_definition_prototypes_and_recursive_calls():
    code = (
        "static int fib(int);\n"
        "static int fib(int n) { if (n < 2) return n; return fib(n - 1) + fib(n - 2); }\n"
        'int main(void) { printf("%d fib", fib(9)); return 0; }\n'
    )
    out = applied("rename-function", code, "c", name_source="list", names=["seq"])
    assert out == code.replace("fib(", "seq(")
    java = "public int fact(int n) { if (n < 2) return 1; return n * this.fact(n - 1); }"
    out = applied("rename-function", java, "java", name_source="list", names=["f"])
    assert out == java.replace("fact(", "f(")


def test_rename_function_picks_one_function_by_seed_and_never_main():
    code = "int a(void) { return 1; }\nint b(void) { return a(); }\nint main(void) { return b(); }"
    outputs = {applied("rename-function", code, "c", seed) for seed in range(8)}
    assert len(outputs) > 2
    assert all("int main(void)" in out for out in outputs)
    renamed = {name for out in outputs for name in ("a", "b") if f"int {name}(void)" not in out}
    assert renamed == {"a", "b"}
    assert "entry point" in reason("rename-function", "int main(void) { return 0; }", "c")


def test_rename_function_refuses_what_it_cannot_rename_everywhere():
    assert "variable" in reason("rename-function", "void f(void) { int f = 1; }", "c")
    assert "macro" in reason("rename-function", "#define CALL f()\nvoid f(void) { CALL; }", "c")
    assert "run time" in reason("rename-function", 'void g(void) { printf("%s", __func__); }', "c")
    assert "another object" in reason(
        "rename-function", "class A { int f() { return new A().f(); } }", "java"
    )
    assert "overloads" in reason(
        "rename-function", "class A { int f() { return 1; } int f(int x) { return x; } }", "java"
    )
    assert "supertype" in reason(
        "rename-function", "class A implements Runnable { public void run() { } }", "java"
    )
    assert "outside" in reason(
        "rename-function", 'class A { public String toString() { return "a"; } }', "java"
    )
    assert "outside" in reason(
        "rename-function", "class A { @Override public int size() { return 0; } }", "java"
    )


def test_rename_function_keeps_fields_and_variables_spelt_alike_in_java():
    code = "class A { int n; int n() { return n + this.n; } int m() { return n(); } }"
    out = applied("rename-function", code, "java", name_source="list", names=["count"])
    assert out in (
        "class A { int n; int count() { return n + this.n; } int m() { return count(); } }",
        "class A { int n; int n() { return n + this.n; } int count() { return n(); } }",
    )


def test_rename_function_says_it_changes_signatures():
    assert TRANSFORMS.get("rename-function").changes_signature
    assert not TRANSFORMS.get("rename-locals").changes_signature


def test_compose_changes_signatures_when_a_step_may():
    assert TRANSFORMS.create("compose").changes_signature
    assert not TRANSFORMS.create(
        "compose", transforms=["rename-locals", "add-braces"]
    ).changes_signature
