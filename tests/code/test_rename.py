"""Renaming: scope-correct rewriting, refusals, the catalogue transformations, and
compile-and-run checks that renamed C and Java programs behave the same."""

import random
import shutil
import subprocess

import pytest

from metacompress.code.names import NameContext, RandomNames, as_name_source
from metacompress.code.parsing import parse
from metacompress.code.rename import alpha_renaming_problems, choose_names, rename, rename_symbols
from metacompress.code.symbols import PARAMETER, symbol_table
from metacompress.code.transform import TRANSFORMS, Applied, NotApplicable
from metacompress.errors import ConfigError
from metacompress.registry import get_params

C_CODE = """\
struct node { int len; struct node *next; };
int sum(struct node *head, int len)
{
    int total = 0, count = 0;
    for (struct node *p = head; p; p = p->next) {
        int len = p->len;
        total += len;
        count++;
    }
    printf("%d", count);
    return total + len;
}
"""


def renamed(code: str, lang: str, mapping: dict[str, str]) -> str:
    result = rename(parse(code, lang), mapping)
    assert isinstance(result, Applied), result
    assert alpha_renaming_problems(code, result.code, lang) == []
    return result.code


def test_rename_rewrites_every_occurrence_and_nothing_else():
    out = renamed(C_CODE, "c", {"total": "acc", "p": "cursor"})
    assert "acc = 0" in out and "acc += len" in out and "return acc + len" in out
    assert "for (struct node *cursor = head; cursor; cursor = cursor->next)" in out
    assert "p->len" not in out and "cursor->len" in out
    assert out.count("len") == C_CODE.count("len")


def test_rename_covers_shadowed_declarations_of_one_name():
    out = renamed(C_CODE, "c", {"len": "size"})
    assert "int sum(struct node *head, int size)" in out
    assert "int size = p->len;" in out and "total += size;" in out
    assert "return total + size;" in out and "struct node { int len;" in out


def test_swap_of_two_names():
    out = renamed(C_CODE, "c", {"total": "count", "count": "total"})
    assert "int count = 0, total = 0;" in out
    assert 'printf("%d", total);' in out and "return count + len;" in out


@pytest.mark.parametrize(
    ("mapping", "reason"),
    [
        ({"total": "next"}, "already used"),  # a field name
        ({"total": "sum"}, "already used"),  # the function's own name
        ({"total": "d"}, "already used"),  # a token inside a string
        ({"total": "while"}, "not a valid c identifier"),
        ({"total": "2x"}, "not a valid c identifier"),
        ({"total": "malloc"}, "keyword or library name"),
        ({"total": "uint8_t"}, "not a valid c identifier"),  # tree-sitter reads it as a type
        ({"total": "TRUE"}, "not a valid c identifier"),  # ... and this as a literal
        ({"total": "EOF"}, "keyword or library name"),
        ({"total": "z", "count": "z"}, "would both be named z"),
        ({"total": "count"}, "already used"),
        ({"next": "n2"}, "not a local variable or parameter"),
        ({"printf": "out"}, "not a local variable or parameter"),
    ],
)
def test_rename_refuses_collisions_and_bad_names(mapping, reason):
    result = rename(parse(C_CODE, "c"), mapping)
    assert isinstance(result, NotApplicable)
    assert reason in result.reason


def test_rename_explains_skipped_symbols():
    code = "int f(int x)\n{\n#define TWICE (x * 2)\n  return TWICE;\n}\n"
    result = rename(parse(code, "c"), {"x": "y"})
    assert isinstance(result, NotApplicable)
    assert "x is not renamable" in result.reason and "macro definition at line 3" in result.reason


JAVA_CODE = """\
public int score(int count, List<Integer> values) {
    this.count = count;
    int best = 0;
    for (int value : values) {
        best = Math.max(best, value * count);
    }
    Comparator<Integer> order = (a, b) -> a - b;
    return best + order.compare(1, 2) + limit;
}
"""


def test_java_rename_keeps_fields_and_methods():
    out = renamed(JAVA_CODE, "java", {"count": "factor", "best": "top", "a": "left"})
    assert "this.count = factor;" in out
    assert "top = Math.max(top, value * factor);" in out
    assert "(left, b) -> left - b" in out
    out = renamed(JAVA_CODE, "java", {"value": "limit2"})
    assert "for (int limit2 : values)" in out and "+ limit;" in out
    refused = rename(parse(JAVA_CODE, "java"), {"best": "limit"})
    assert isinstance(refused, NotApplicable) and "already used" in refused.reason


def test_rename_symbols_renames_one_of_two_same_named_symbols():
    parsed = parse(C_CODE, "c")
    inner = next(s for s in symbol_table(parsed) if s.name == "len" and s.kind != PARAMETER)
    result = rename_symbols(parsed, {inner: "piece"})
    assert isinstance(result, Applied)
    assert "int piece = p->len;" in result.code and "return total + len;" in result.code
    assert result.steps == ("rename",) and result.step_edits == (result.edits,)
    assert alpha_renaming_problems(C_CODE, result.code, "c") == []


def test_alpha_renaming_check_catches_capture_and_other_changes():
    captured = C_CODE.replace("total += len;", "total += count;")
    assert alpha_renaming_problems(C_CODE, captured, "c")
    inconsistent = C_CODE.replace("return total + len;", "return sum2 + len;")
    assert alpha_renaming_problems(C_CODE, inconsistent, "c")
    field = C_CODE.replace("p->len", "p->size")
    assert any("field_identifier" in p for p in alpha_renaming_problems(C_CODE, field, "c"))
    unresolved = C_CODE.replace("printf", "puts")
    assert any("no symbol" in p for p in alpha_renaming_problems(C_CODE, unresolved, "c"))
    operator = C_CODE.replace("total += len", "total -= len")
    assert alpha_renaming_problems(C_CODE, operator, "c")


def test_choose_names_gives_distinct_fresh_names():
    parsed = parse(C_CODE, "c")
    symbols = symbol_table(parsed)
    mapping = choose_names(parsed, symbols, RandomNames(1, 1), random.Random(0))
    assert not isinstance(mapping, NotApplicable)
    names = list(mapping.values())
    assert len(set(names)) == len(names) == len(symbols)
    assert not set(names) & {"d", "p"}


def test_callable_name_source_gets_context():
    parsed = parse(C_CODE, "c")
    (head,) = [s for s in symbol_table(parsed) if s.name == "head"]
    seen: list[NameContext] = []

    def source(name, context):
        seen.append(context)
        return ["next", "first"]

    mapping = choose_names(parsed, [head], as_name_source(source), random.Random(0))
    assert mapping == {head: "first"}
    assert seen[0].kind == PARAMETER and seen[0].occurrences == head.occurrences
    assert "next" in seen[0].taken


# -- the catalogue ---------------------------------------------------------------------------


def kinds_changed(code: str, lang: str, name: str, **params) -> set[str]:
    result = TRANSFORMS.create(name, **params).apply(code, lang, seed=3)
    assert isinstance(result, Applied), result
    assert alpha_renaming_problems(code, result.code, lang) == []
    before = {(s.kind, s.declaration[0]): s.name for s in symbol_table(parse(code, lang))}
    shift = {}
    for edit in result.edits:
        shift[edit.start] = edit.replacement
    return {kind for (kind, start), _ in before.items() if start in shift}


def test_rename_locals_parameters_all_touch_only_their_kind():
    assert kinds_changed(C_CODE, "c", "rename-locals") == {"local"}
    assert kinds_changed(C_CODE, "c", "rename-parameters") == {"parameter"}
    assert kinds_changed(C_CODE, "c", "rename-all") == {"local", "parameter"}
    assert kinds_changed(JAVA_CODE, "java", "rename-parameters") == {"parameter"}


def test_fraction_and_max_renames_bound_the_count():
    symbols = symbol_table(parse(C_CODE, "c"))

    def count(**params):
        result = TRANSFORMS.create("rename-all", **params).apply(C_CODE, "c", seed=5)
        return len({e.replacement for e in result.edits})

    assert count() == len(symbols) == 6
    assert count(fraction=0.5) == 3
    assert count(max_renames=2) == 2
    assert count(fraction=0.01) == 1


def test_list_name_source_draws_from_the_list():
    names = ["alpha", "beta", "gamma", "delta", "next", "while"]
    result = TRANSFORMS.create(
        "rename-locals", name_source="list", names=names, max_renames=3
    ).apply(C_CODE, "c", seed=1)
    assert isinstance(result, Applied)
    assert {e.replacement for e in result.edits} <= {"alpha", "beta", "gamma", "delta"}
    short = TRANSFORMS.create("rename-all", name_source="list", names=["alpha"])
    outcome = short.apply(C_CODE, "c", seed=1)
    assert isinstance(outcome, NotApplicable) and "no acceptable new name" in outcome.reason


def test_same_seed_same_output_and_seeds_differ():
    transform = TRANSFORMS.create("rename-all")
    outputs = {transform.apply(C_CODE, "c", seed=s).code for s in range(5)}
    assert len(outputs) == 5
    assert transform.apply(C_CODE, "c", seed=2) == transform.apply(C_CODE, "c", seed=2)


def test_preconditions_give_reasons():
    transform = TRANSFORMS.create("rename-locals")
    none = transform.apply("int f(int a) { return a; }", "c")
    assert isinstance(none, NotApplicable) and none.reason == "no renamable local variables"
    broken = transform.apply("int f(void)\n{\n  int x = 1;\n  FOO(x y z);\n}\n", "c")
    assert isinstance(broken, NotApplicable)
    assert "parse errors at line 4" in broken.reason and "x:" in broken.reason
    assert "does not support" in TRANSFORMS.create("rename-all").apply("x", "python").reason


@pytest.mark.parametrize(
    "params",
    [
        {"fraction": 0},
        {"fraction": 1.5},
        {"max_renames": 0},
        {"max_renames": 1.5},
        {"name_source": "mlm"},
        {"name_source": "list"},
        {"name_source": "list", "names": "abc"},
        {"names": ["a"]},
    ],
)
def test_bad_parameters_are_config_errors(params):
    with pytest.raises(ConfigError):
        TRANSFORMS.create("rename-all", **params)


# -- compile and run ----------------------------------------------------------------------------

C_PROGRAM = """\
#include <stdio.h>
#include <string.h>

struct point { int x; int y; };

static int weigh(const struct point *pts, int n, int scale)
{
    int total = 0;
    for (int i = 0; i < n; i++) {
        int x = pts[i].x * scale;
        {
            int x = pts[i].y;
            total += x;
        }
        total += x;
    }
    int (*pick)(const char *, const char *) = strcmp;
    char word[8] = "abc";
    if (pick(word, "abd") < 0)
        total += (int) strlen(word);
    return total;
}

int main(void)
{
    struct point pts[3] = { { 1, 2 }, { 3, 4 }, { 5, 6 } };
    int n = 3, result = 0;
    for (int scale = 1; scale <= 3; scale++) {
        result = weigh(pts, n, scale);
        printf("%d %d\\n", scale, result);
    }
    return 0;
}
"""

JAVA_PROGRAM = """\
import java.util.*;
import java.util.function.*;

public class Main {
    private int count = 10;

    int work(int count, List<Integer> values) {
        int total = this.count;
        for (int value : values) {
            total += value * count;
        }
        Function<Integer, Integer> twice = x -> x * 2;
        BiFunction<Integer, Integer, Integer> add = (x, y) -> x + y;
        final int offset = 7;
        Supplier<Integer> supplier = new Supplier<Integer>() {
            int count = 100;
            public Integer get() { return count + offset; }
        };
        try {
            Object o = values.isEmpty() ? null : values.get(0);
            if (o instanceof Integer first && first > 0) {
                total += first;
            }
            throw new IllegalStateException("boom");
        } catch (IllegalStateException e) {
            total += e.getMessage().length();
        }
        outer:
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                if (i * j == 2) break outer;
                total += i + j;
            }
        }
        return add.apply(twice.apply(total), supplier.get());
    }

    public static void main(String[] args) {
        Main main = new Main();
        System.out.println(main.work(3, Arrays.asList(1, 2, 3)));
        System.out.println(main.work(-1, new ArrayList<>()));
    }
}
"""


def compile_and_run_c(code: str, tmp_path, tag: str) -> str:
    source = tmp_path / f"{tag}.c"
    source.write_text(code)
    exe = tmp_path / tag
    subprocess.run(["gcc", "-w", "-o", str(exe), str(source)], check=True, capture_output=True)
    return subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout


def compile_and_run_java(code: str, tmp_path, tag: str) -> str:
    folder = tmp_path / tag
    folder.mkdir()
    (folder / "Main.java").write_text(code)
    subprocess.run(["javac", "Main.java"], cwd=folder, check=True, capture_output=True)
    run = subprocess.run(["java", "-cp", ".", "Main"], cwd=folder, check=True, capture_output=True)
    return run.stdout.decode()


@pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc not installed")
def test_renamed_c_program_compiles_and_behaves_the_same(tmp_path):
    expected = compile_and_run_c(C_PROGRAM, tmp_path, "original")
    assert expected.count("\n") == 3
    for seed in range(3):
        result = TRANSFORMS.create("rename-all").apply(C_PROGRAM, "c", seed=seed)
        assert isinstance(result, Applied)
        assert "int x = pts[i].x" not in result.code
        assert compile_and_run_c(result.code, tmp_path, f"renamed{seed}") == expected


@pytest.mark.skipif(shutil.which("javac") is None, reason="javac not installed")
def test_renamed_java_program_compiles_and_behaves_the_same(tmp_path):
    expected = compile_and_run_java(JAVA_PROGRAM, tmp_path, "original")
    result = TRANSFORMS.create("rename-all").apply(JAVA_PROGRAM, "java", seed=4)
    assert isinstance(result, Applied)
    assert "int count = 100;" in result.code and "this.count" in result.code
    assert "int value :" not in result.code and "catch (IllegalStateException e)" not in result.code
    assert compile_and_run_java(result.code, tmp_path, "renamed") == expected


def test_parameters_round_trip_and_are_hashable():
    for name in ("rename-locals", "rename-parameters", "rename-all", "compose"):
        params = (
            {"k": 1, "transforms": ["rename-all"]}
            if name == "compose"
            else {
                "fraction": 0.5,
                "max_renames": 3,
                "name_source": "list",
                "names": ["alpha", "beta"],
            }
        )
        component = TRANSFORMS.create(name, **params)
        assert type(component)(**get_params(component)) == component
        assert hash(component) == hash(type(component)(**get_params(component)))
