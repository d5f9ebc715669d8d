"""Behaviour preservation on real C programs: the NIST Juliet C test cases.

For every registered transformation that handles C (renamings included), the `good*` functions
of Juliet test cases are transformed one by one (each function's text is transformed alone,
after the file's #define lines, and spliced back, so every edit lies inside a function; a
transformation that renames functions is applied to the whole file), the file is recompiled with
`gcc -DINCLUDEMAIN -DOMITBAD -Itestcasesupport io.o FILE.c -lm` (io.c compiled once) and run
without stdin; its output must equal the original program's. Test cases whose original does
not compile, times out, or prints different output on two runs are skipped. Counts per
transformation are printed (run pytest with -s to see them).

Juliet's style leaves some transformations nothing to act on (every body has braces, there is
no compound assignment and no else-if chain), so for those a function is first prepared by
other transformations that create such sites (`PREPARE`: remove-braces before add-braces,
increment-form to `+= 1` before expand-compound-assignment, ...); the program that is compiled
holds both, and only the transformation under test is counted.
"""

from __future__ import annotations

import shutil
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from juliet import RANDOM, Juliet

from metacompress.code.behaviour import same_behaviour
from metacompress.code.parsing import iter_nodes, parse
from metacompress.code.transform import TRANSFORMS

pytestmark = [
    pytest.mark.data,
    pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed"),
]

BATCH = 8
#: Transformations run on each function first, to create sites Juliet does not have.
PREPARE: dict[str, tuple[tuple[str, dict], ...]] = {
    "add-braces": (("remove-braces", {"max_sites": 50}),),
    "else-if-to-nested": (("remove-braces", {"max_sites": 50}),),
    "expand-compound-assignment": (("increment-form", {"to": "compound", "max_sites": 50}),),
    "contract-compound-assignment": (
        ("increment-form", {"to": "compound", "max_sites": 50}),
        ("expand-compound-assignment", {"max_sites": 50}),
    ),
    "while-to-for": (("for-to-while", {"max_sites": 50}),),
}


def _function_name(node) -> str:
    declarator = node.child_by_field_name("declarator")
    while declarator is not None and declarator.type != "identifier":
        declarator = declarator.child_by_field_name("declarator")
    return declarator.text.decode() if declarator is not None and declarator.text else ""


def macro_context(parsed) -> str:
    """The file's #define lines: a macro defined outside a function may name its locals."""
    found = [
        parsed.text(n).rstrip("\n") + "\n"
        for n in iter_nodes(parsed.root)
        if n.type in ("preproc_def", "preproc_function_def")
    ]
    return "".join(found)


def transform_good_functions(code: str, name: str, key: str) -> tuple[str, int, int]:
    """Transform every `good*` function of a Juliet file and splice the results back; each
    function is transformed alone, preceded by the file's #define lines (which must come back
    unchanged). A transformation that changes function names (`changes_signature`) is applied
    to the whole file once instead. Returns (new code, functions transformed, functions not
    applicable)."""
    transformation = TRANSFORMS.create(name)
    if transformation.changes_signature:
        # Callers elsewhere in the file must follow a renamed function: the whole file.
        whole = transformation.apply(code, "c", zlib.crc32(f"{name}:{key}".encode()))
        return (whole.code, 1, 0) if whole.applicable else (code, 0, 1)
    preparations = [TRANSFORMS.create(n, **params) for n, params in PREPARE.get(name, ())]
    parsed = parse(code, "c")
    context = macro_context(parsed)
    data = parsed.data
    pieces: list[tuple[int, int, bytes]] = []
    applied = skipped = 0
    for index, function in enumerate(parsed.functions()):
        if "good" not in _function_name(function).lower():
            continue
        text = context + parsed.text(function)
        seed = zlib.crc32(f"{name}:{key}:{index}".encode())
        for step, preparation in enumerate(preparations):
            prepared = preparation.apply(text, "c", seed + step + 1)
            text = prepared.code if prepared.applicable else text
        result = transformation.apply(text, "c", seed)
        if result.applicable:
            applied += 1
            assert result.code.startswith(context), f"{name} edited outside the function"
            new_function = result.code[len(context) :].encode()
            pieces.append((function.start_byte, function.end_byte, new_function))
        else:
            skipped += 1
            assert result.reason, f"{name}: NotApplicable without a reason"
    for start, end, replacement in sorted(pieces, reverse=True):
        data = data[:start] + replacement + data[end:]
    return data.decode(), applied, skipped


@dataclass
class Tally:
    """Counts for one transformation."""

    applied: int = 0
    not_applicable: int = 0
    files: int = 0
    compiled: int = 0
    identical: int = 0
    failures: list[str] = field(default_factory=list)

    def row(self, name: str) -> str:
        return (
            f"{name:30s} applied={self.applied:5d} not-applicable={self.not_applicable:5d} "
            f"files={self.files:4d} compiled={self.compiled:4d} identical={self.identical:4d}"
        )


def _check_file(juliet: Juliet, name: str, path: Path) -> tuple[int, int, str | None, bool]:
    """(applied, not applicable, failure or None, ran) for one file and transformation."""
    code = path.read_text(encoding="utf-8", errors="replace")
    if RANDOM.search(code):
        return 0, 0, None, False
    new_code, applied, skipped = transform_good_functions(code, name, path.name)
    if not applied:
        return 0, skipped, None, False
    original = juliet.original(path)
    if original is None:
        return 0, 0, None, False
    folder = juliet.work / name / path.stem
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / path.name
    source.write_text(new_code, encoding="utf-8")
    outcome = juliet.compile_and_run(source, folder / "program")
    if not outcome.ran:
        detail = outcome.message[:2000] if outcome.message else outcome.status
        return applied, skipped, f"{name} {path.name}: {outcome.status}\n{detail}", True
    if not same_behaviour(original, outcome):
        return applied, skipped, f"{name} {path.name}: output differs", True
    return applied, skipped, None, True


def _files_for(juliet: Juliet, limit: int) -> Iterator[list[Path]]:
    files = juliet.files[:limit]
    for start in range(0, len(files), BATCH):
        yield files[start : start + BATCH]


def run_family(juliet: Juliet, name: str, target: int, max_files: int) -> Tally:
    """Transform files until `target` functions were transformed (or `max_files` tried)."""
    tally = Tally()
    with ThreadPoolExecutor(max_workers=2) as pool:
        for batch in _files_for(juliet, max_files):
            for applied, skipped, failure, ran in pool.map(
                lambda p: _check_file(juliet, name, p), batch
            ):
                tally.applied += applied
                tally.not_applicable += skipped
                if ran:
                    tally.files += 1
                    if failure is None or "output differs" in failure:
                        tally.compiled += 1
                    if failure is None:
                        tally.identical += 1
                    else:
                        tally.failures.append(failure)
            if tally.applied >= target:
                break
    return tally


def c_transformations() -> list[str]:
    return [e.name for e in TRANSFORMS.entries() if "c" in e.meta.get("languages", ())]


def _report(tallies: dict[str, Tally]) -> None:
    print()
    for name, tally in tallies.items():
        print(tally.row(name))


def _assert_preserved(tallies: dict[str, Tally], target: int) -> None:
    _report(tallies)
    failures = [f for t in tallies.values() for f in t.failures]
    assert not failures, "\n\n".join(failures[:5])
    short = {n: t.applied for n, t in tallies.items() if t.applied < target}
    assert not short, f"too few applications: {short}"


@pytest.mark.parametrize("name", c_transformations())
def test_juliet_behaviour_is_preserved(juliet: Juliet, name: str) -> None:
    """A quick pass: at least 12 transformed functions per transformation."""
    tally = run_family(juliet, name, target=12, max_files=400)
    _assert_preserved({name: tally}, 12)


@pytest.mark.slow
@pytest.mark.timeout(3600)
@pytest.mark.parametrize("name", c_transformations())
def test_juliet_behaviour_is_preserved_at_scale(juliet: Juliet, name: str) -> None:
    """The full pass: at least 300 transformed functions per transformation."""
    tally = run_family(juliet, name, target=300, max_files=len(juliet.files))
    _assert_preserved({name: tally}, 300)
