from metacompress.code.dataflow import COMPUTED_FROM, extract_dataflow


def flows(code, lang):
    """{(name, occurrence number): sorted [(source name, source occurrence number)]}."""
    df = extract_dataflow(code, lang)
    seen: dict[str, int] = {}
    label = {}
    for node in df.nodes:
        seen[node.name] = seen.get(node.name, 0) + 1
        label[node.token] = (node.name, seen[node.name])
    return {label[n.token]: sorted(label[s] for s in n.sources) for n in df.nodes}, df


def test_c_declarations_assignments_and_reads():
    code = "int f(int a) { int x = a; int y; y = x + a; x += y; return x; }"
    graph, df = flows(code, "c")
    assert graph[("a", 1)] == []  # parameter
    assert graph[("x", 1)] == [("a", 2)]  # int x = a
    assert graph[("a", 2)] == [("a", 1)]
    assert graph[("y", 1)] == []  # int y;
    assert graph[("y", 2)] == [("a", 3), ("x", 2)]  # y = x + a
    assert graph[("x", 3)] == [("x", 1), ("y", 3)]  # x += y: old x too
    assert graph[("x", 4)] == [("x", 3)]  # return x
    assigned = [n for n in df.nodes if n.name == "y"][1]
    assert assigned.relation == COMPUTED_FROM
    assert [t.text for t in df.tokens][:6] == ["int", "f", "(", "int", "a", ")"]


def test_branches_merge_and_loops_carry_values():
    code = "int f(int c) { int x = 0; if (c) x = 1; else x = 2; while (c) { c = c - x; x = c; } return x; }"
    graph, _ = flows(code, "c")
    # x: 1 `int x = 0`, 2 `x = 1`, 3 `x = 2`, 4 read in `c - x`, 5 `x = c`, 6 `return x`
    # the read in the loop sees both branch definitions and, around the loop, x = c
    assert graph[("x", 4)] == [("x", 2), ("x", 3), ("x", 5)]
    assert graph[("x", 5)] == [("c", 6)]
    assert graph[("x", 6)] == [("x", 2), ("x", 3), ("x", 5)]
    # c: 4 is `c = c - x`, computed from c (5) and x (4); the loop condition sees it too
    assert graph[("c", 4)] == [("c", 5), ("x", 4)]
    assert graph[("c", 3)] == [("c", 1), ("c", 4)]


def test_functions_fields_and_types_are_not_variables():
    code = "void g(struct s *p) { h(p); p->next = q; }"
    graph, df = flows(code, "c")
    names = {n.name for n in df.nodes}
    assert names == {"p", "q"}
    assert graph[("p", 2)] == [("p", 1)]


def test_java_method_with_foreach_update_and_calls():
    code = (
        "public int total(List<Integer> xs) { int s = 0; for (int v : xs) { s += v; } "
        "s++; this.count = s; log.info(s); return s; }"
    )
    graph, df = flows(code, "java")
    names = {n.name for n in df.nodes}
    assert names == {"xs", "s", "v", "log"}  # not total, count, info, List, Integer
    assert graph[("v", 1)] == [("xs", 2)]
    assert graph[("s", 2)] == [("s", 1), ("s", 2), ("v", 2)]  # s += v, around the loop
    assert graph[("s", 3)] == [("s", 1), ("s", 2)]  # s++
    tokens = [t.text for t in df.tokens]
    assert tokens[0] == "public" and "MetaCompressWrapper" not in tokens


def test_spans_are_character_offsets_and_literals_are_single_tokens():
    code = 'void f() { char *s = "héllo wörld"; g(s); /* ünï */ }'
    df = extract_dataflow(code, "c")
    for token in df.tokens:
        assert code[token.start : token.end] == token.text
    assert '"héllo wörld"' in [t.text for t in df.tokens]
    assert all("ünï" not in t.text for t in df.tokens)


def test_broken_code_still_gives_tokens_and_flows():
    code = "int f(int a) { FOO(a b) int x = a; return x; }"
    df = extract_dataflow(code, "c")
    assert df.tokens and any(n.name == "x" for n in df.nodes)
    assert extract_dataflow("", "c").nodes == ()


def test_edges_link_node_indexes():
    df = extract_dataflow("int f(int a) { return a; }", "c")
    assert df.edges() == [(1, 0)]
