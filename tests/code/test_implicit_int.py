"""Implicit-int and K&R function definitions: found, parsed through the reversible insertion of
`int `, transformed in their bodies (and parameters) with the output byte-identical outside the
edits, and, compiled with gcc, behaving as before: synthetic benchmark programs here, Juliet
test cases under `-m slow`, each rewritten into K&R form (`kr_forms.to_kr`)."""

from __future__ import annotations

import shutil
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from juliet import RANDOM
from kr_forms import to_kr

from metacompress.code.behaviour import Outcome, run_c, same_behaviour
from metacompress.code.edits import apply_edits
from metacompress.code.implicit_int import implicit_int_heads
from metacompress.code.lexer import boundary_problems
from metacompress.code.names import C_KEYWORDS
from metacompress.code.parsing import parse
from metacompress.code.symbols import PARAMETER, analyse
from metacompress.code.transform import TRANSFORMS, Applied
from metacompress.data.synth import c_program, generate

KR_MAIN = """\
main(argc, argv)
int argc;
char **argv;
{
    int i, total = 0;
    for (i = 0; i < argc; i++) {
        total += i;
    }
    if (total > 2) printf("big\\n"); else printf("small\\n");
    return total;
}
"""
SAMPLES = {
    "kr": KR_MAIN,
    "implicit": "static inline twice(x)\nint x;\n{ if (x) { x = x * 2; } else x--; return x; }\n",
    "no-type": "main()\n{\n    int n = 3;\n    int m = n * 2;\n    while (n > 0) n--;\n"
    "    if (m == 1) m = 0; else if (m > 4) m = m - 1;\n    return n + m;\n}\n",
    "devign": "aio_write_f(int argc, char **argv)\n\n{\n\n    int c = 0;\n\n"
    "    if (argc > 1) c++;\n\n    return c;\n\n}\n",
    "prototype-void": "static f(void) { int k = 1; k += 2; return k; }\n",
    "two": "int x;\ng() { return 2; }\nh(a, b) int a; int b; { return a < b ? a : b; }\n",
}


@pytest.mark.parametrize(
    ("code", "names"),
    [
        (KR_MAIN, ["main"]),
        ("static foo(a, b) int a; char *b; { return a; }", ["foo"]),
        ("#define X(a) a\nstatic inline f(void) { return 1; }", ["f"]),
        ("int x; g() { return 2; } h(int a) { return a; }", ["g", "h"]),
        ("/* c */ f(a) int a; { return a; }", ["f"]),
        ("int f(a) int a; { return a; }", []),
        ("int f(void) { return 0; } struct S { int a; }; unsigned g(a) { return a; }", []),
        ("FOO(x); DEF(a)(int b) { }", []),
        ("f(a) int a = 1; { }", []),
        ("if (x) { }", []),
    ],
)
def test_implicit_int_heads(code: str, names: list[str]) -> None:
    data = code.encode()
    found = implicit_int_heads(data, C_KEYWORDS)
    assert [data[o:].split(b"(")[0].decode() for o in found] == names


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_implicit_int_definitions_parse_and_map_back(name: str) -> None:
    code = SAMPLES[name]
    parsed = parse(code, "c")
    assert parsed.error_count == 0 and parsed.inserted
    functions = parsed.functions()
    assert functions
    for function in functions:
        start, end = parsed.span(function)
        body = function.child_by_field_name("body")
        assert body is not None and parsed.in_code(body)
        body_start, body_end = parsed.span(body)
        assert code.encode()[body_start:body_end] == body.text
        assert code.encode()[start:end].rstrip().endswith(b"}")
    inserted = [n for n in _leaves(parsed.root) if not parsed.in_code(n)]
    assert [n.text for n in inserted] == [b"int"] * len(parsed.inserted)


def _leaves(node):
    if node.child_count == 0:
        yield node
    for child in node.children:
        yield from _leaves(child)


def test_kr_parameters_are_renamed_in_the_list_and_their_declarations() -> None:
    table = analyse(parse(KR_MAIN, "c"))
    argc = next(s for s in table.symbols if s.name == "argc")
    assert argc.kind == PARAMETER and len(argc.occurrences) == 3
    result = TRANSFORMS.create("rename-parameters", names=["count", "args"], name_source="list")
    out = result.apply(KR_MAIN, "c", 0)
    assert isinstance(out, Applied)
    assert out.code.startswith("main(args, count)\nint args;\nchar **count;\n{")
    assert "i < args" in out.code


@pytest.mark.parametrize(
    "name", [e.name for e in TRANSFORMS.entries() if "c" in e.meta["languages"]]
)
def test_every_transformation_edits_implicit_int_code_in_place(name: str) -> None:
    applied = 0
    for key, code in SAMPLES.items():
        for seed in range(3):
            outcome = TRANSFORMS.create(name).apply(code, "c", seed)
            if not isinstance(outcome, Applied):
                continue
            applied += 1
            assert apply_edits(code, outcome.edits) == outcome.code
            assert boundary_problems(code, outcome.code, outcome.edits, "c") == []
            assert parse(outcome.code, "c").error_count == 0, (key, outcome.code)
    if name != "contract-compound-assignment":
        assert applied, f"{name} applied to no implicit-int sample"


def test_an_implicit_int_head_is_not_in_the_output() -> None:
    for code in SAMPLES.values():
        out = TRANSFORMS.create("insert-comment").apply(code, "c", 0)
        assert isinstance(out, Applied)
        heads = [line for line in code.splitlines() if "(" in line and "{" not in line]
        for head in heads[:1]:
            assert head in out.code.splitlines()


def behaviour_check(
    programs: dict[str, str], tmp_path: Path, seeds: int, run: Callable[[str, Path], Outcome]
) -> tuple[int, int]:
    """Rewrite each program into K&R form; skip it unless gcc builds it and it behaves as the
    original; then every C transformation (`seeds` seeds) must keep that behaviour (`run`
    compiles and runs a program in a folder), each output byte-identical to the K&R program
    outside its edits and gluing no tokens. Returns (programs used, transformed programs
    run)."""
    names = [e.name for e in TRANSFORMS.entries() if "c" in e.meta["languages"]]
    used = runs = 0
    failures = []
    for key, code in programs.items():
        original = run(code, tmp_path / key / "original")
        kr_code = to_kr(code)
        kr = run(kr_code, tmp_path / key / "kr")
        if not original.ran or not same_behaviour(original, kr):
            continue
        second = run(code, tmp_path / key / "again")
        if not same_behaviour(original, second):
            continue
        assert parse(kr_code, "c").inserted, key
        used += 1
        for name in names:
            for seed in range(seeds):
                step_seed = zlib.crc32(f"{key}:{name}:{seed}".encode())
                outcome = TRANSFORMS.create(name).apply(kr_code, "c", step_seed)
                if not isinstance(outcome, Applied):
                    continue
                assert apply_edits(kr_code, outcome.edits) == outcome.code, (key, name)
                assert boundary_problems(kr_code, outcome.code, outcome.edits, "c") == []
                runs += 1
                ran = run(outcome.code, tmp_path / key / f"{name}{seed}")
                if not same_behaviour(original, ran):
                    failures.append(f"{key} {name} seed {step_seed}: {ran.status} {ran.message}")
    assert not failures, "\n".join(failures[:3])
    return used, runs


def synthetic_programs(n: int) -> dict[str, str]:
    examples = [e for e in generate("vulnerability", 2 * n, seed=11) if e.label == 0][:n]
    return {f"synthetic{i}": c_program(e) for i, e in enumerate(examples)}


@pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")
def test_synthetic_programs_in_kr_form_keep_their_behaviour(tmp_path: Path) -> None:
    used, runs = behaviour_check(synthetic_programs(3), tmp_path, 1, run_c)
    assert used == 3 and runs >= 40


@pytest.mark.slow
@pytest.mark.timeout(3600)
@pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")
def test_many_synthetic_programs_in_kr_form_keep_their_behaviour(tmp_path: Path) -> None:
    used, runs = behaviour_check(synthetic_programs(40), tmp_path, 2, run_c)
    print(f"\nsynthetic K&R programs: {used} used, {runs} transformed programs run")
    assert used >= 35


@pytest.mark.slow
@pytest.mark.data
@pytest.mark.timeout(3600)
@pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")
def test_juliet_programs_in_kr_form_keep_their_behaviour(juliet, tmp_path: Path) -> None:
    programs = {}
    for path in juliet.files:
        code = path.read_text(encoding="utf-8", errors="replace")
        if not RANDOM.search(code):
            programs[path.stem] = code
        if len(programs) == 60:
            break

    def run(code: str, folder: Path) -> Outcome:
        folder.mkdir(parents=True, exist_ok=True)
        source = folder / "program.c"
        source.write_text(code, encoding="utf-8")
        return juliet.compile_and_run(source, folder / "program")

    used, runs = behaviour_check(programs, tmp_path, 1, run)
    print(f"\nJuliet K&R programs: {used} used, {runs} transformed programs run")
    assert used >= 40
