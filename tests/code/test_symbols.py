"""Symbol tables on hand-written C and Java that exercise scoping and the non-variables."""

from metacompress.code.parsing import parse
from metacompress.code.symbols import LOCAL, PARAMETER, analyse, symbol_table


def table(code: str, lang: str) -> dict[str, list[tuple[str, list[int]]]]:
    """name -> [(kind, lines of its occurrences)] per symbol, in declaration order."""
    parsed = parse(code, lang)
    data = code.encode()
    found: dict[str, list[tuple[str, list[int]]]] = {}
    for symbol in symbol_table(parsed):
        for start, end in symbol.occurrences:
            assert data[start:end].decode() == symbol.name
        lines = [data.count(b"\n", 0, start) + 1 for start, _ in symbol.occurrences]
        found.setdefault(symbol.name, []).append((symbol.kind, lines))
    return found


def skipped(code: str, lang: str) -> dict[str, str]:
    return {s.name: s.reason for s in analyse(parse(code, lang)).skipped}


C_SHADOWING = """\
int f(int x, int n)
{
    int total = x;
    {
        int x = n;
        x++;
        total += x;
    }
    for (int i = 0; i < n; i++)
        total += i;
    for (int i = 1; i < n; i++) {
        int n = i;
        total -= n;
    }
    return total + x + i;
}
"""


def test_c_shadowing_blocks_and_for_init():
    t = table(C_SHADOWING, "c")
    assert t["x"] == [(PARAMETER, [1, 3, 15]), (LOCAL, [5, 6, 7])]
    assert t["n"] == [(PARAMETER, [1, 5, 9, 11]), (LOCAL, [12, 13])]
    assert t["i"] == [(LOCAL, [9, 9, 9, 10]), (LOCAL, [11, 11, 11, 12])]
    assert t["total"] == [(LOCAL, [3, 7, 10, 13, 15])]
    assert set(t) == {"x", "n", "i", "total"}


C_NON_VARIABLES = """\
struct buf { int len; char *data; };
int g(struct buf *s, struct buf b, int len)
{
    enum { RED, GREEN = RED + 1 } colour = GREEN;
    extern int counter;
    int out = s->len + b.len + len;
    struct buf copy = { .len = len, .data = 0 };
    int (*fp)(int q, int r) = helper;
    int h(int z);
out:
    if (out > 0) { out = fp(out, counter) + h(RED) + copy.len; goto out; }
    return helper(out) + sizeof(copy);
}
"""


def test_c_fields_labels_enums_functions_and_externs_are_not_symbols():
    t = table(C_NON_VARIABLES, "c")
    assert set(t) == {"s", "b", "len", "colour", "out", "copy", "fp"}
    assert t["len"] == [(PARAMETER, [2, 6, 7])]
    assert t["s"] == [(PARAMETER, [2, 6])] and t["b"] == [(PARAMETER, [2, 6])]
    assert t["out"] == [(LOCAL, [6, 11, 11, 11, 12])]
    assert t["copy"] == [(LOCAL, [7, 11, 12])]
    assert t["fp"] == [(LOCAL, [8, 11])]


def test_c_declarator_shapes_and_kr_parameters():
    code = (
        "int f(a, n) int a; char *n; {\n"
        "  int *p = &a, arr[a], **pp, (*fp)(int a) = 0;\n"
        "  char m[sizeof(arr)];\n"
        "  return p[0] + arr[1] + (n == 0) + fp(a) + (pp != 0) + m[0];\n"
        "}\n"
    )
    t = table(code, "c")
    assert t["a"] == [(PARAMETER, [1, 1, 2, 2, 4])]
    assert t["n"] == [(PARAMETER, [1, 1, 4])]
    assert t["arr"] == [(LOCAL, [2, 3, 4])]
    assert t["fp"] == [(LOCAL, [2, 4])] and t["pp"] == [(LOCAL, [2, 4])]
    assert t["m"] == [(LOCAL, [3, 4])]


def test_c_vla_parameter_and_self_initialisation():
    code = "void f(int n, int a[n]) {\n  int k = k + n;\n  a[0] = k;\n}\n"
    t = table(code, "c")
    assert t["n"] == [(PARAMETER, [1, 1, 2])]
    assert t["k"] == [(LOCAL, [2, 2, 3])]


def test_c_macros_type_names_and_parse_errors_are_skipped_with_reasons():
    code = (
        "int f(int x, int y, int T)\n{\n"
        "#define PLUS_X(v) ((v) + x)\n"
        "  int u = (T) y;\n"
        "  int z = y;\n"
        "  FOO(int, z w);\n"
        "  return PLUS_X(u) + z;\n}\n"
    )
    reasons = skipped(code, "c")
    assert "macro definition at line 3" in reasons["x"]
    assert "type name" in reasons["T"]
    assert "parse error" in reasons["z"]
    assert set(table(code, "c")) == {"y", "u"}


def test_c_file_level_macro_using_a_local_by_name_blocks_its_renaming():
    code = (
        "#define BUFFER_SIZE (3 * sizeof(data) + 2)\n"
        "void f(void)\n{\n  int data = 0;\n  char buffer[BUFFER_SIZE];\n  use(buffer, data);\n}\n"
        "#include <stdio.h>\n#pragma once\n"
    )
    assert "macro definition at line 1" in skipped(code, "c")["data"]
    assert set(table(code, "c")) == {"buffer"}


def test_c_preprocessor_branches_declaring_one_variable_twice_are_one_symbol():
    code = (
        "int f(void)\n{\n#ifdef BIG\n  long v = 1;\n#else\n  int v = 2;\n#endif\n  return v;\n}\n"
    )
    (symbol,) = symbol_table(parse(code, "c"))
    assert symbol.name == "v" and len(symbol.declarations) == 2 and len(symbol.occurrences) == 3


def test_c_multiple_functions_and_multibyte_text_spans():
    code = '/* é ü */\nint a(int p) { return p; }\nint b(int p) { char *s = "ö"; return p + *s; }\n'
    t = table(code, "c")
    assert t["p"] == [(PARAMETER, [2, 2]), (PARAMETER, [3, 3])]
    assert t["s"] == [(LOCAL, [3, 3])]


JAVA_FIELDS_AND_LAMBDAS = """\
public int run(int count, List<String> items) {
    this.count = count;
    total += count;
    int total = 0;
    Function<Integer, Integer> twice = x -> x * 2;
    BiFunction<Integer, Integer, Integer> add = (x, y) -> x + y;
    IntUnaryOperator neg = (int x) -> -x;
    for (String item : items) { total += item.length() + twice.apply(total); }
    for (int i = 0; i < count; i++) total += i;
    items.forEach(items::add);
    size = items.size();
    return total + add.apply(1, 2) + neg.applyAsInt(3) + obj.total;
}
"""


def test_java_fields_beside_locals_lambdas_and_loops():
    t = table(JAVA_FIELDS_AND_LAMBDAS, "java")
    assert t["count"] == [(PARAMETER, [1, 2, 3, 9])]
    assert t["total"] == [(LOCAL, [4, 8, 8, 9, 12])]
    assert t["x"] == [(LOCAL, [5, 5]), (LOCAL, [6, 6]), (LOCAL, [7, 7])]
    assert t["y"] == [(LOCAL, [6, 6])]
    assert t["item"] == [(LOCAL, [8, 8])]
    assert t["items"] == [(PARAMETER, [1, 8, 10, 10, 11])]
    assert t["i"] == [(LOCAL, [9, 9, 9, 9])]
    assert "size" not in t and "length" not in t and "apply" not in t


JAVA_ANONYMOUS_CATCH_TRY = """\
void handle(final String name, int port) throws IOException {
    final int limit = 3;
    Runnable r = new Runnable() {
        int port = 8;
        public void run(int times) { use(name, port, limit, times); }
    };
    try (Socket s = open(name, port); Reader in = reader(s)) {
        in.read();
    } catch (IOException | RuntimeException e) {
        log(e, s);
    } finally {
        close(port);
    }
    try { work(); } catch (Exception e) { log(e); }
    outer:
    for (int outer = 0; outer < limit; outer++) { break outer; }
    if (r instanceof Thread t && t.isAlive()) { t.join(); }
}
"""


def test_java_anonymous_class_catch_resources_labels_patterns():
    t = table(JAVA_ANONYMOUS_CATCH_TRY, "java")
    assert t["name"] == [(PARAMETER, [1, 5, 7])]
    assert t["port"] == [(PARAMETER, [1, 7, 12])]
    assert t["limit"] == [(LOCAL, [2, 5, 16])]
    assert t["times"] == [(LOCAL, [5, 5])]
    assert t["s"] == [(LOCAL, [7, 7])]
    assert t["in"] == [(LOCAL, [7, 8])]
    assert t["e"] == [(LOCAL, [9, 10]), (LOCAL, [14, 14])]
    assert t["outer"] == [(LOCAL, [16, 16, 16])]
    assert t["t"] == [(LOCAL, [17, 17, 17])]
    assert t["r"] == [(LOCAL, [3, 17])]


def test_java_local_class_fields_and_switch_case_constants():
    code = (
        "int m(int mode, int value) {\n"
        "    class Box { int value = 1; int get() { return value; } }\n"
        "    final int RED = 1;\n"
        "    switch (mode) { case RED: return value; default: int k = mode; return k; }\n"
        "}\n"
    )
    t = table(code, "java")
    assert t["value"] == [(PARAMETER, [1, 4])]
    assert t["k"] == [(LOCAL, [4, 4])]
    assert "case constant" in skipped(code, "java")["RED"]
    assert "get" not in t and "Box" not in t


def test_java_compilation_unit_methods_are_separate_functions():
    code = "class A {\n  int f;\n  int a(int f) { return f; }\n  int b() { return f; }\n}\n"
    t = table(code, "java")
    assert t == {"f": [(PARAMETER, [3, 3])]}


def test_symbols_carry_scope_and_function_spans():
    parsed = parse(C_SHADOWING, "c")
    symbols = {(s.name, s.kind): s for s in symbol_table(parsed)}
    inner = symbols[("x", LOCAL)]
    outer = symbols[("x", PARAMETER)]
    assert outer.scope == inner.function == (0, len(C_SHADOWING.encode()) - 1)
    assert outer.scope[0] < inner.scope[0] <= inner.declaration[0] < inner.scope[1]
    assert C_SHADOWING.encode()[slice(*inner.scope)].startswith(b"{")
