from metacompress.code.parsing import parse


def test_bare_java_method_is_wrapped_and_spans_map_back():
    code = "public int add(int a, int b) { return a + b; }"
    parsed = parse(code, "java")
    assert parsed.error_count == 0
    (method,) = parsed.functions()
    assert parsed.span(method) == (0, len(code))
    assert parsed.text(method) == code


def test_java_compilation_unit_is_parsed_as_is():
    parsed = parse("class A { int f() { return 1; } }", "java")
    assert parsed.prefix_len == 0 and parsed.error_count == 0


def test_c_errors_are_located_by_line():
    parsed = parse("int f(int a)\n{\n  FOO(x y) return a;\n}\n", "c")
    assert parsed.error_count >= 1
    assert parsed.error_lines() == [3]
